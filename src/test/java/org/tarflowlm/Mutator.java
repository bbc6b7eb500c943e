package org.tarflowlm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutants of seed files for the suite's short fuzzing: byte-level changes as a fuzzer makes them,
 * plus the numbers and tokens a hostile file would use, so that a few seconds reach the readers'
 * checks rather than only their JSON syntax errors.
 */
final class Mutator {
  private static final String[] TOKENS = {
    "0", "-1", "1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551615",
    "1e999", "-0", "1.5", "NaN", "null", "true", "\"\"", "[]", "{}", "[[[[[[[[", "\"F64\"", "\"F32\"", ",", ":",
    "\"__metadata__\"", "\"a\"",
  };
  private static final long[] LONGS = {0, 1, 7, 8, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32, 100L << 20};
  private static final int MAX_BYTES = 1 << 18;

  private final Random random;
  private final List<byte[]> seeds;

  Mutator(Random random, List<byte[]> seeds) {
    this.random = random;
    this.seeds = seeds;
  }

  /** A seed with one to four mutations. */
  byte[] next() {
    byte[] b = seeds.get(random.nextInt(seeds.size()));
    for (int i = random.nextInt(4); i >= 0; i--) {
      b = mutate(b);
    }
    return b.length > MAX_BYTES ? Arrays.copyOf(b, MAX_BYTES) : b;
  }

  private byte[] mutate(byte[] b) {
    int at = b.length == 0 ? 0 : random.nextInt(b.length);
    switch (random.nextInt(8)) {
      case 0 -> {
        if (b.length > 0) {
          b = b.clone();
          b[at] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> {
        int n = Math.min(b.length - at, 1 + random.nextInt(16));
        b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + n, b.length));
      }
      case 2 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        int n = Math.min(other.length - from, 1 + random.nextInt(64));
        b = insert(b, at, Arrays.copyOfRange(other, from, from + n));
      }
      case 3 -> b = Arrays.copyOf(b, at);
      case 4 -> b = replaceNumber(b, at, TOKENS[random.nextInt(TOKENS.length)]);
      case 5 -> b = insert(b, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
      case 6 -> {
        if (b.length >= 8) {
          b = b.clone();
          long v = LONGS[random.nextInt(LONGS.length)];
          for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
          }
        }
      }
      default -> {
        if (b.length > 0) {
          b = b.clone();
          b[at] = (byte) "\"{}[]:,-09 \\\u0000".charAt(random.nextInt(13));
        }
      }
    }
    return b;
  }

  /** Replaces the run of digits at or after {@code at} (a JSON number, most likely) with {@code token}. */
  private static byte[] replaceNumber(byte[] b, int at, String token) {
    int start = at;
    while (start < b.length && (b[start] < '0' || b[start] > '9')) {
      start++;
    }
    int end = start;
    while (end < b.length && (b[end] >= '0' && b[end] <= '9' || b[end] == '.' || b[end] == 'e' || b[end] == '-')) {
      end++;
    }
    return concat(concat(Arrays.copyOf(b, start), token.getBytes(StandardCharsets.UTF_8)),
        Arrays.copyOfRange(b, end, b.length));
  }

  private static byte[] insert(byte[] b, int at, byte[] piece) {
    return concat(concat(Arrays.copyOf(b, at), piece), Arrays.copyOfRange(b, at, b.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
