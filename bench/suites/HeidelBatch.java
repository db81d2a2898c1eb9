// One JVM for many documents: HeidelTime's standalone command line pays ~15 s of start-up
// per call. Usage: java -cp heideltime.jar HeidelBatch.java CONFIG DIR
// Each DIR/<name>.txt holds the creation date (YYYY-MM-DD) on its first line, then the text;
// DIR/<name>.tml receives HeidelTime's TimeML. Existing .tml files are kept (a cache).
import de.unihd.dbs.heideltime.standalone.DocumentType;
import de.unihd.dbs.heideltime.standalone.HeidelTimeStandalone;
import de.unihd.dbs.heideltime.standalone.OutputType;
import de.unihd.dbs.heideltime.standalone.POSTagger;
import de.unihd.dbs.uima.annotator.heideltime.resources.Language;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.text.SimpleDateFormat;
import java.util.Arrays;

public class HeidelBatch {
    public static void main(String[] args) throws Exception {
        HeidelTimeStandalone tagger = new HeidelTimeStandalone(
            Language.ENGLISH, DocumentType.NEWS, OutputType.TIMEML, args[0], POSTagger.TREETAGGER);
        File[] inputs = new File(args[1]).listFiles((d, n) -> n.endsWith(".txt"));
        Arrays.sort(inputs);
        SimpleDateFormat iso = new SimpleDateFormat("yyyy-MM-dd");
        for (File in : inputs) {
            File out = new File(in.getPath().replaceAll("\\.txt$", ".tml"));
            if (out.exists()) continue;
            String raw = new String(Files.readAllBytes(in.toPath()), StandardCharsets.UTF_8);
            int nl = raw.indexOf('\n');
            String tml = tagger.process(raw.substring(nl + 1), iso.parse(raw.substring(0, nl)));
            File tmp = new File(out.getPath() + ".part");
            Files.write(tmp.toPath(), tml.getBytes(StandardCharsets.UTF_8));
            tmp.renameTo(out);
        }
    }
}
