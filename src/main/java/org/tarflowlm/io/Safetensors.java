package org.tarflowlm.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * restricted to float32 tensors.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}, {@code N} bytes of UTF-8 JSON
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}),
 * then the raw little-endian data; offsets count from the first byte after the header.
 *
 * <p>Why our own code: the format is small, and a model file may come from anywhere, so the reader treats
 * it as hostile. The whole header is validated (lengths, types, offsets, overlaps, the config's expected
 * shapes) <em>before</em> any tensor array is allocated, so a forged header cannot make us allocate more
 * than the file actually holds; every problem is a {@link ModelFormatException} naming the file and the
 * problem. The writer writes to a temporary file and renames it atomically, so a crash or failure never
 * leaves a half-written model in place of a good one.
 */
public final class Safetensors {

    /** Headers larger than this are refused: real headers are kilobytes, so this only stops abuse. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final String METADATA_KEY = "__metadata__";
    /** Largest length the JVM reliably allows for an array. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** Data moves through a buffer of this size, so a big tensor is never held twice in memory. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Safetensors() {
    }

    /**
     * A named tensor in row-major order: float32 ({@code data}, F32) or float64 ({@code data64}, F64;
     * checkpoints of float64 runs keep their weights and optimizer moments exactly). The arrays are
     * not copied (tensors can be large), so callers must not change them while the tensor is in use;
     * {@code equals} compares them by reference.
     */
    public record Tensor(String name, long[] shape, float[] data, double[] data64) {

        /** A float32 tensor. */
        public Tensor(String name, long[] shape, float[] data) {
            this(name, shape, Objects.requireNonNull(data, "data"), null);
        }

        /** A float64 tensor. */
        public static Tensor f64(String name, long[] shape, double[] data) {
            return new Tensor(name, shape, null, Objects.requireNonNull(data, "data"));
        }

        /** Checks that the name is usable, that exactly one array is given, and that its length is product(shape). */
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            if ((data == null) == (data64 == null)) {
                throw new IllegalArgumentException("tensor '" + name + "' needs exactly one of float32 and float64 data");
            }
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            long count = 1;
            for (long dim : shape) {
                if (dim < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension in shape "
                            + Arrays.toString(shape));
                }
                try {
                    count = Math.multiplyExact(count, dim);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                            + " whose element count overflows");
                }
            }
            int values = data64 != null ? data64.length : data.length; // the fields are not assigned yet
            if (count != values) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + " (" + count + " elements) but " + values + " values");
            }
        }

        public boolean isF64() {
            return data64 != null;
        }

        public int length() {
            return data64 != null ? data64.length : data.length;
        }

        /** The values as doubles, whichever type they are stored in. */
        public double[] doubles() {
            if (data64 != null) {
                return data64;
            }
            double[] out = new double[data.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = data[i];
            }
            return out;
        }
    }

    /**
     * One validated header entry; {@code begin}/{@code end} are byte offsets within the data section,
     * {@code bytes} the size of one element (4 for F32, 8 for F64).
     */
    private record Entry(String name, long[] shape, long begin, long end, int bytes) {
    }

    /** A fully validated header; {@code dataStart} is the file position of the data section. */
    private record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * Writes {@code tensors} (sorted by name, data contiguous, header padded with spaces to a multiple of
     * 8 bytes) and the optional {@code metadata}. Everything is checked before the first byte is written;
     * the bytes go to a temporary file in the same directory, are forced to disk, and the temporary file
     * then atomically replaces {@code file}. On any failure {@code file} is left as it was.
     *
     * @throws IllegalArgumentException if two tensors share a name or the header would be too large
     */
    public static void write(Path file, Collection<Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>();
        for (Tensor t : tensors) {
            Objects.requireNonNull(t, "tensor");
            if (sorted.put(t.name(), t) != null) {
                throw new IllegalArgumentException("two tensors are named '" + t.name() + "'");
            }
        }
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach((k, v) -> meta.addProperty(k, Objects.requireNonNull(v, k)));
            header.add(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Tensor t : sorted.values()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.isF64() ? "F64" : "F32");
            JsonArray shape = new JsonArray();
            for (long dim : t.shape()) {
                shape.add(dim);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += (t.isF64() ? 8L : 4L) * t.length();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(t.name(), entry);
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        long paddedLength = (json.length + 7L) & ~7L;
        if (paddedLength > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors header would be " + paddedLength + " bytes, above the "
                    + MAX_HEADER_BYTES + "-byte limit");
        }
        byte[] headerBytes = Arrays.copyOf(json, (int) paddedLength);
        Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');

        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, paddedLength));
                writeFully(ch, ByteBuffer.wrap(headerBytes));
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : sorted.values()) {
                    int size = t.isF64() ? 8 : 4;
                    for (int off = 0; off < t.length(); ) {
                        int n = Math.min(t.length() - off, CHUNK_BYTES / size);
                        buf.clear();
                        if (t.isF64()) {
                            buf.asDoubleBuffer().put(t.data64(), off, n);
                        } else {
                            buf.asFloatBuffer().put(t.data(), off, n);
                        }
                        buf.limit(n * size);
                        writeFully(ch, buf);
                        off += n;
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(target.getParent());
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename itself durable where the platform allows it (Linux); elsewhere this is a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not supported on this platform/file system; the rename is still atomic
        }
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads all tensors, sorted by name. If {@code expectedShapes} is not null, the file must hold exactly
     * those tensor names with exactly those shapes.
     *
     * @throws ModelFormatException if the file is malformed or does not match {@code expectedShapes}
     */
    public static Map<String, Tensor> read(Path file, Map<String, long[]> expectedShapes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, ch);
            if (expectedShapes != null) {
                checkAgainstConfig(file, header.entries(), expectedShapes);
            }
            Map<String, Tensor> result = new LinkedHashMap<>();
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : header.entries().values()) {
                int count = (int) ((e.end() - e.begin()) / e.bytes());
                float[] data = e.bytes() == 4 ? new float[count] : null;
                double[] data64 = e.bytes() == 8 ? new double[count] : null;
                long pos = header.dataStart() + e.begin();
                for (int off = 0; off < count; ) {
                    int n = Math.min(count - off, CHUNK_BYTES / e.bytes());
                    buf.clear().limit(n * e.bytes());
                    readFully(file, ch, buf, pos);
                    buf.flip();
                    if (data != null) {
                        buf.asFloatBuffer().get(data, off, n);
                    } else {
                        buf.asDoubleBuffer().get(data64, off, n);
                    }
                    off += n;
                    pos += (long) n * e.bytes();
                }
                result.put(e.name(), new Tensor(e.name(), e.shape(), data, data64));
            }
            return result;
        }
    }

    /** Reads only the {@code __metadata__} map (empty if absent), after validating the whole header. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch).metadata();
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ModelFormatException(file, "file ends at byte " + pos + ", earlier than its header says");
            }
            pos += n;
        }
    }

    /** Reads and validates the header; allocates at most the (bounded) header bytes. */
    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelFormatException(file, "file is " + size
                    + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lengthBuf, 0);
        long headerLength = lengthBuf.getLong(0);
        if (headerLength == 0) {
            throw new ModelFormatException(file, "header length is 0");
        }
        if (headerLength < 0 || headerLength > size - 8) {
            throw new ModelFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " reaches beyond the end of the file (" + size + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(file, "header length " + headerLength + " is above the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
        readFully(file, ch, headerBuf, 8);
        headerBuf.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file, "header is not valid UTF-8");
        }
        long dataSize = size - 8 - headerLength;
        return parseHeader(file, text, dataSize, 8 + headerLength);
    }

    private static Header parseHeader(Path file, String text, long dataSize, long dataStart) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new ModelFormatException(file, "header is not a JSON object");
            }
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                JsonElement value = JsonParser.parseReader(reader);
                if (!seen.add(name)) {
                    throw new ModelFormatException(file, "header names '" + name + "' twice");
                }
                if (name.equals(METADATA_KEY)) {
                    parseMetadata(file, value, metadata);
                } else {
                    entries.put(name, parseEntry(file, name, value, dataSize));
                }
            }
            reader.endObject();
            if (!atEnd(reader)) {
                throw new ModelFormatException(file, "header has data after its JSON object");
            }
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new ModelFormatException(file + ": header is not valid JSON" + JsonErrors.where(e), e);
        }
        checkNoOverlap(file, entries.values());
        return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), dataStart);
    }

    /** True if only whitespace follows; a strict reader throws on a second value rather than returning it. */
    private static boolean atEnd(JsonReader reader) {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException e) {
            return false;
        }
    }

    private static void parseMetadata(Path file, JsonElement value, Map<String, String> out)
            throws ModelFormatException {
        if (!value.isJsonObject()) {
            throw new ModelFormatException(file, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new ModelFormatException(file, METADATA_KEY + " value for key '" + m.getKey()
                        + "' is not a string");
            }
            out.put(m.getKey(), v.getAsString());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonElement value, long dataSize)
            throws ModelFormatException {
        String what = "tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw new ModelFormatException(file, what + " is not described by a JSON object");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dtype = o.get("dtype");
        JsonElement shapeJson = o.get("shape");
        JsonElement offsetsJson = o.get("data_offsets");
        if (dtype == null || shapeJson == null || offsetsJson == null) {
            throw new ModelFormatException(file, what + " is missing "
                    + (dtype == null ? "dtype" : shapeJson == null ? "shape" : "data_offsets"));
        }
        if (!dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
            throw new ModelFormatException(file, what + " has a dtype that is not a string: " + dtype);
        }
        if (!dtype.getAsString().equals("F32") && !dtype.getAsString().equals("F64")) {
            throw new ModelFormatException(file, what + " has dtype " + dtype.getAsString()
                    + " but only F32 and F64 are supported");
        }
        int bytes = dtype.getAsString().equals("F64") ? 8 : 4;
        if (!shapeJson.isJsonArray()) {
            throw new ModelFormatException(file, what + " has a shape that is not an array: " + shapeJson);
        }
        JsonArray shapeArray = shapeJson.getAsJsonArray();
        long[] shape = new long[shapeArray.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, shapeArray.get(i), what + " shape dimension " + i);
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(file, what + " has shape " + shapeArray
                        + " whose element count overflows");
            }
        }
        if (!offsetsJson.isJsonArray() || offsetsJson.getAsJsonArray().size() != 2) {
            throw new ModelFormatException(file, what + " has data_offsets that are not [begin, end]: "
                    + offsetsJson);
        }
        long begin = nonNegativeLong(file, offsetsJson.getAsJsonArray().get(0), what + " data_offsets begin");
        long end = nonNegativeLong(file, offsetsJson.getAsJsonArray().get(1), what + " data_offsets end");
        if (begin > end) {
            throw new ModelFormatException(file, what + " has data_offsets [" + begin + ", " + end
                    + "] with begin after end");
        }
        if (count > Long.MAX_VALUE / bytes || count * bytes != end - begin) {
            throw new ModelFormatException(file, what + " has shape " + Arrays.toString(shape) + " = " + count
                    + " " + dtype.getAsString() + " values, but its data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes");
        }
        if (end > dataSize) {
            throw new ModelFormatException(file, what + " has data_offsets [" + begin + ", " + end
                    + "] reaching beyond the data section (" + dataSize + " bytes)");
        }
        if (count > MAX_ARRAY_LENGTH) {
            throw new ModelFormatException(file, what + " has " + count + " elements, too many for one array");
        }
        return new Entry(name, shape, begin, end, bytes);
    }

    /**
     * Parses a JSON integer in [0, Long.MAX_VALUE] from its literal text, so that a forged number (a huge
     * exponent, millions of digits) costs nothing beyond one linear scan.
     */
    private static long nonNegativeLong(Path file, JsonElement e, String what) throws ModelFormatException {
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
            throw new ModelFormatException(file, what + " is not a number: " + e);
        }
        String literal = e.getAsString();
        if (literal.startsWith("-")) {
            throw new ModelFormatException(file, what + " is negative: " + literal);
        }
        for (int i = 0; i < literal.length(); i++) {
            if (literal.charAt(i) < '0' || literal.charAt(i) > '9') {
                throw new ModelFormatException(file, what + " is not an integer: " + literal);
            }
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException ex) {
            throw new ModelFormatException(file, what + " is too large: " + literal);
        }
    }

    /** Refuses tensors whose byte ranges overlap; gaps between tensors are allowed. */
    private static void checkNoOverlap(Path file, Collection<Entry> entries) throws ModelFormatException {
        List<Entry> byBegin = new ArrayList<>();
        for (Entry e : entries) {
            if (e.end() > e.begin()) { // empty tensors occupy no bytes
                byBegin.add(e);
            }
        }
        byBegin.sort(Comparator.comparingLong(Entry::begin));
        Entry furthest = null;
        for (Entry e : byBegin) {
            if (furthest != null && e.begin() < furthest.end()) {
                throw new ModelFormatException(file, "tensors '" + furthest.name() + "' [" + furthest.begin()
                        + ", " + furthest.end() + "] and '" + e.name() + "' [" + e.begin() + ", " + e.end()
                        + "] overlap");
            }
            if (furthest == null || e.end() > furthest.end()) {
                furthest = e;
            }
        }
    }

    private static void checkAgainstConfig(Path file, Map<String, Entry> entries, Map<String, long[]> expected)
            throws ModelFormatException {
        List<String> missing = new ArrayList<>(new TreeMap<>(expected).keySet());
        missing.removeAll(entries.keySet());
        if (!missing.isEmpty()) {
            throw new ModelFormatException(file, "missing tensor(s) that the config expects: "
                    + quoted(missing));
        }
        List<String> extra = new ArrayList<>(entries.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new ModelFormatException(file, "tensor(s) that the config does not expect: " + quoted(extra));
        }
        for (Entry e : entries.values()) {
            long[] want = expected.get(e.name());
            if (!Arrays.equals(want, e.shape())) {
                throw new ModelFormatException(file, "tensor '" + e.name() + "' has shape "
                        + Arrays.toString(e.shape()) + " but the config expects " + Arrays.toString(want));
            }
        }
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "'" : ", '").append(n).append('\'');
        }
        return sb.toString();
    }
}
