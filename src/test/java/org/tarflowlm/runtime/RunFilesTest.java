package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.TarFlowLM;

class RunFilesTest {
  @Test
  void savedRunOpensToTheSameNumbers(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), m);
      ForwardTrace trace = new Tracer(model, m, "tiny").trace("hello world", 4);
      List<PassResult> passes = new ArrayList<>();
      GenerationRequest req = GenerationRequest.of("hi", 8, 0.8, 5);
      new FlowGenerator(model, m).generate(req, new GenerationListener() {
        @Override
        public void onPass(PassResult p) {
          passes.add(p);
        }
      }, () -> false);
      Path file = dir.resolve("run.json");
      RunFiles.save(new RunRecord(RunFiles.FORMAT, "tiny", "{}", req, passes, trace), file);
      RunRecord back = RunFiles.load(file);
      assertEquals(req, back.request());
      assertEquals(passes.size(), back.generation().size());
      assertEquals(passes.get(2).text(), back.generation().get(2).text());
      assertArrayEquals(trace.totalBits(), back.trace().totalBits());
      assertArrayEquals(trace.states().get(2).latents()[3], back.trace().states().get(2).latents()[3]);
      assertArrayEquals(trace.states().get(1).logDet(), back.trace().states().get(1).logDet());
      assertEquals(trace.bitsPerChar(), back.trace().bitsPerChar());
    }
  }

  @Test
  void corruptRunFilesAreRefused(@TempDir Path dir) throws Exception {
    Path notJson = dir.resolve("a.json");
    Files.writeString(notJson, "{ this is not json");
    IOException e1 = assertThrows(IOException.class, () -> RunFiles.load(notJson));
    assertTrue(e1.getMessage().contains("not a run file"), e1.getMessage());
    Path otherFormat = dir.resolve("b.json");
    Files.writeString(otherFormat, "{\"format\": \"something-else\"}");
    assertThrows(IOException.class, () -> RunFiles.load(otherFormat));
    Path truncated = dir.resolve("c.json");
    Files.writeString(truncated, "{\"format\": \"" + RunFiles.FORMAT + "\", \"generation\": [], "
        + "\"trace\": {\"scored\": \"abc\", \"states\": [], \"totalBits\": [1, 2, 3]}}");
    IOException e3 = assertThrows(IOException.class, () -> RunFiles.load(truncated));
    assertTrue(e3.getMessage().contains("incomplete trace"), e3.getMessage());
  }
}
