package org.tarflowlm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.io.Safetensors.Tensor;

class SafetensorsTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ helpers

    /** Writes a file with the given header length prefix, header text and data bytes, exactly as given. */
    private Path raw(String name, long headerLength, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(headerLength).put(h).put(data);
        Path file = dir.resolve(name);
        Files.write(file, buf.array());
        return file;
    }

    /** Writes a file whose header length matches the header text. */
    private Path raw(String header, byte[] data) throws IOException {
        return raw("model.safetensors", header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private static byte[] floats(float... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return buf.array();
    }

    /** Asserts that reading is refused with a message naming the file and containing every fragment. */
    private static ModelFormatException assertRejected(Path file, Map<String, long[]> expected, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Safetensors.read(file, expected));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file.toString() + ": "), () -> "message does not name the file: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "message '" + msg + "' lacks '" + f + "'");
        }
        return e;
    }

    private static ModelFormatException assertRejected(Path file, String... fragments) {
        return assertRejected(file, null, fragments);
    }

    private static final String TWO_TENSORS = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    private static Map<String, long[]> shapes(Object... nameThenShape) {
        Map<String, long[]> m = new TreeMap<>();
        for (int i = 0; i < nameThenShape.length; i += 2) {
            m.put((String) nameThenShape[i], (long[]) nameThenShape[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------ round trip

    @Test
    void roundTripIsBitExactWithShapesMetadataAndSortedNames() throws IOException {
        Random rnd = new Random(42);
        float[] big = new float[3 * 400_000]; // larger than the 1 MiB chunk, so chunking is exercised
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        float[] special = {Float.intBitsToFloat(0x7fc01234), -0.0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 1.5f, -7f};
        List<Tensor> tensors = List.of(
                new Tensor("z.last", new long[] {3, 400_000}, big),
                new Tensor("a.special", new long[] {2, 2, 2}, special),
                new Tensor("m.scalar", new long[] {}, new float[] {3.25f}),
                new Tensor("b.empty", new long[] {0, 5}, new float[0]));
        Map<String, String> meta = Map.of("format", "pt", "config", "{\"dModel\": 64, \"note\": \"<ü>\"}");
        Path file = dir.resolve("model.safetensors");

        Safetensors.write(file, tensors, meta);

        Map<String, Tensor> back = Safetensors.read(file, shapes("z.last", new long[] {3, 400_000},
                "a.special", new long[] {2, 2, 2}, "m.scalar", new long[] {}, "b.empty", new long[] {0, 5}));
        assertEquals(List.of("a.special", "b.empty", "m.scalar", "z.last"), List.copyOf(back.keySet()));
        for (Tensor t : tensors) {
            Tensor r = back.get(t.name());
            assertEquals(t.name(), r.name());
            assertArrayEquals(t.shape(), r.shape());
            assertEquals(t.data().length, r.data().length);
            for (int i = 0; i < t.data().length; i++) {
                if (Float.floatToRawIntBits(t.data()[i]) != Float.floatToRawIntBits(r.data()[i])) {
                    throw new AssertionError(t.name() + "[" + i + "] differs");
                }
            }
        }
        assertEquals(meta, Safetensors.readMetadata(file));

        // Layout: 8-aligned header, data contiguous right after it.
        ByteBuffer prefix = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = prefix.getLong(0);
        assertEquals(0, headerLength % 8);
        long dataBytes = 4L * (big.length + special.length + 1);
        assertEquals(8 + headerLength + dataBytes, Files.size(file));
        assertEquals(List.of(file), filesIn(dir));
    }

    @Test
    void readWithoutExpectedShapesAcceptsAnyValidFile() throws IOException {
        Path file = raw(TWO_TENSORS, floats(1, 2, 3));
        Map<String, Tensor> t = Safetensors.read(file, null);
        assertArrayEquals(new float[] {1, 2}, t.get("a").data());
        assertArrayEquals(new float[] {3}, t.get("b").data());
        assertEquals(Map.of(), Safetensors.readMetadata(file));
    }

    @Test
    void gapsBetweenTensorsAreAllowed() throws IOException {
        Path file = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(9, 5));
        assertArrayEquals(new float[] {5}, Safetensors.read(file, null).get("a").data());
    }

    // ------------------------------------------------------------------------------------------ hostile files

    @Test
    void emptyFileIsRejected() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[0]);
        assertRejected(file, "0 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[] {16, 0, 0, 0, 0});
        assertRejected(file, "5 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void zeroHeaderLengthIsRejected() throws IOException {
        assertRejected(raw("model.safetensors", 0, "{}", new byte[0]), "header length is 0");
    }

    @Test
    void headerLengthBeyondFileIsRejected() throws IOException {
        assertRejected(raw("model.safetensors", 1000, "{}", new byte[0]), "header length 1000",
                "beyond the end of the file (10 bytes)");
    }

    @Test
    void headerLengthWithHighBitSetIsRejectedAsUnsigned() throws IOException {
        assertRejected(raw("model.safetensors", -1, "{}", new byte[0]),
                "header length 18446744073709551615", "beyond the end of the file");
    }

    @Test
    void headerLengthAbove100MbIsRejectedWithoutReadingIt() throws IOException {
        Path file = raw("model.safetensors", 150L * 1024 * 1024, "{}", new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(200L * 1024 * 1024); // sparse on most file systems
        }
        assertRejected(file, "header length 157286400 is above the limit of 104857600 bytes");
    }

    @Test
    void headerNotJsonIsRejected() throws IOException {
        assertRejected(raw("{\"a\": {\"dtype\": \"F32\", ", new byte[0]), "header is not valid JSON");
    }

    @Test
    void headerWithLenientJsonIsRejected() throws IOException {
        assertRejected(raw("{a: {'dtype': 'F32', 'shape': [0], 'data_offsets': [0, 0]}}", new byte[0]),
                "header is not valid JSON");
    }

    @Test
    void aJsonSyntaxErrorSaysWhereInWordsNotInGsonsTerms() throws IOException {
        for (String header : List.of("{\"a\u0001\": {}}", "{\"a\": {\"shape\": [1 2]}}")) {
            ModelFormatException e = assertRejected(raw(header, new byte[0]), "header is not valid JSON (line 1, column ");
            assertFalse(e.getMessage().contains("gson") || e.getMessage().contains("Strictness"), e.getMessage());
        }
    }

    @Test
    void headerNotUtf8IsRejected() throws IOException {
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ByteBuffer buf = ByteBuffer.allocate(8 + bad.length).order(ByteOrder.LITTLE_ENDIAN).putLong(bad.length).put(bad);
        Path file = dir.resolve("model.safetensors");
        Files.write(file, buf.array());
        assertRejected(file, "header is not valid UTF-8");
    }

    @Test
    void headerNotAnObjectIsRejected() throws IOException {
        assertRejected(raw("[1, 2, 3]", new byte[0]), "header is not a JSON object");
    }

    @Test
    void dataAfterHeaderObjectIsRejected() throws IOException {
        assertRejected(raw("{} {}", new byte[0]), "header has data after its JSON object");
    }

    @Test
    void duplicateTensorNameIsRejected() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertRejected(raw("{\"a\":" + entry + ",\"a\":" + entry + "}", floats(1)), "header names 'a' twice");
    }

    @Test
    void entryNotAnObjectIsRejected() throws IOException {
        assertRejected(raw("{\"w\": [1, 2]}", new byte[0]), "tensor 'w' is not described by a JSON object");
    }

    @Test
    void missingDtypeIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' is missing dtype");
    }

    @Test
    void missingShapeIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' is missing shape");
    }

    @Test
    void missingDataOffsetsIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", floats(1)),
                "tensor 'w' is missing data_offsets");
    }

    @Test
    void wrongDtypeIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' has dtype F16 but only F32 and F64 are supported");
    }

    @Test
    void negativeShapeDimensionIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' shape dimension 0 is negative: -1");
    }

    @Test
    void nonIntegerShapeDimensionIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' shape dimension 0 is not an integer: 1.5");
    }

    @Test
    void shapeDimensionThatIsAStringIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'w' shape dimension 0 is not a number");
    }

    @Test
    void shapeProductOverflowIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}",
                floats(1)), "tensor 'w' has shape [4294967296,4294967296] whose element count overflows");
    }

    @Test
    void byteSizeNotMatchingShapeIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "tensor 'w' has shape [3] = 3 F32 values, but its data_offsets [0, 8] span 8 bytes");
    }

    @Test
    void negativeOffsetIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", floats(1)),
                "tensor 'w' data_offsets begin is negative: -4");
    }

    @Test
    void beginAfterEndIsRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", floats(1, 2)),
                "tensor 'w' has data_offsets [8, 4] with begin after end");
    }

    @Test
    void malformedDataOffsetsAreRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", floats(1, 2)),
                "tensor 'w' has data_offsets that are not [begin, end]");
    }

    @Test
    void offsetsBeyondDataAreRejected() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2)),
                "tensor 'w' has data_offsets [4, 12] reaching beyond the data section (8 bytes)");
    }

    @Test
    void hugeDeclaredShapeIsRejectedWithoutAllocating() throws IOException {
        // Consistent shape and offsets (4e18 bytes), so only the file size can give it away.
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000],"
                + "\"data_offsets\":[0,4000000000000000000]}}", floats(1)),
                "tensor 'w' has data_offsets [0, 4000000000000000000] reaching beyond the data section (4 bytes)");
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2, 3)),
                "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
    }

    @Test
    void tensorInsideAnotherIsRejectedAsOverlap() throws IOException {
        assertRejected(raw("{\"outer\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", floats(1, 2, 3, 4)),
                "tensors 'outer' [0, 16] and 'x' [4, 8] overlap");
    }

    @Test
    void metadataValueNotStringIsRejected() throws IOException {
        assertRejected(raw("{\"__metadata__\":{\"n\":3}}", new byte[0]),
                "__metadata__ value for key 'n' is not a string");
    }

    @Test
    void readMetadataAlsoValidatesTheHeader() throws IOException {
        Path file = raw("{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[8]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Safetensors.readMetadata(file));
        assertTrue(e.getMessage().startsWith(file + ": "));
        assertTrue(e.getMessage().contains("dtype BF16"), e.getMessage());
    }

    @Test
    void missingTensorIsRejected() throws IOException {
        assertRejected(raw(TWO_TENSORS, floats(1, 2, 3)),
                shapes("a", new long[] {2}, "b", new long[] {1}, "c", new long[] {4}),
                "missing tensor(s) that the config expects: 'c'");
    }

    @Test
    void extraTensorIsRejected() throws IOException {
        assertRejected(raw(TWO_TENSORS, floats(1, 2, 3)), shapes("a", new long[] {2}),
                "tensor(s) that the config does not expect: 'b'");
    }

    @Test
    void shapeMismatchAgainstConfigIsRejected() throws IOException {
        assertRejected(raw(TWO_TENSORS, floats(1, 2, 3)), shapes("a", new long[] {1, 2}, "b", new long[] {1}),
                "tensor 'a' has shape [2] but the config expects [1, 2]");
    }

    // ------------------------------------------------------------------------------------------ writing

    @Test
    void tensorWithInconsistentDataIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor("w", new long[] {2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("tensor 'w' has shape [2, 3] (6 elements) but 5 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor("w", new long[] {-1}, new float[0]));
    }

    @Test
    void failedWriteLeavesExistingFileUntouched() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, List.of(new Tensor("w", new long[] {2}, new float[] {1, 2})), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);

        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file,
                List.of(new Tensor("w", new long[] {2}, new float[] {7})), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file,
                List.of(new Tensor("w", new long[] {1}, new float[] {7}),
                        new Tensor("w", new long[] {1}, new float[] {8})), Map.of()));
        Map<String, String> nullValue = new TreeMap<>();
        nullValue.put("k", null);
        assertThrows(NullPointerException.class, () -> Safetensors.write(file,
                List.of(new Tensor("w", new long[] {1}, new float[] {7})), nullValue));

        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), filesIn(dir));
    }

    @Test
    void failedMoveRemovesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.createDirectory(target);
        Files.write(target.resolve("keep"), new byte[] {1}); // a non-empty directory cannot be replaced
        assertThrows(IOException.class, () -> Safetensors.write(target,
                List.of(new Tensor("w", new long[] {1}, new float[] {7})), null));
        assertEquals(List.of(target), filesIn(dir));
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, List.of(new Tensor("old", new long[] {1}, new float[] {1})), null);
        Safetensors.write(file, List.of(new Tensor("new", new long[] {1}, new float[] {2})), null);
        Map<String, Tensor> back = Safetensors.read(file, shapes("new", new long[] {1}));
        assertArrayEquals(new float[] {2}, back.get("new").data());
        assertEquals(List.of(file), filesIn(dir));
    }

    private static List<Path> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void float64TensorsRoundTripBitForBit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.safetensors");
        double[] wide = {Math.PI, -1e-300, Double.MAX_VALUE, 1.0 / 3};
        Safetensors.write(file, List.of(Tensor.f64("w", new long[] {2, 2}, wide),
                new Tensor("f", new long[] {1}, new float[] {0.1f})), Map.of());
        Map<String, Tensor> back = Safetensors.read(file, Map.of("w", new long[] {2, 2}, "f", new long[] {1}));
        assertTrue(back.get("w").isF64());
        assertArrayEquals(wide, back.get("w").data64(), 0.0);
        assertArrayEquals(new float[] {0.1f}, back.get("f").data());
    }
}
