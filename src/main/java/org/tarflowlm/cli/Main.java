package org.tarflowlm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tarflowlm <command>}: the command-line face of the runtime. */
@Command(name = "tarflowlm", mixinStandardHelpOptions = true, version = "tarflowlm 0.1",
    description = "Train, evaluate, trace and sample TarFlowLM character models.",
    subcommands = {InfoCommand.class, EvalCommand.class, GenerateCommand.class, TraceCommand.class,
        BenchCommand.class, JacobiCommand.class, CardCommand.class,
        TrainCommand.class, DataCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args, new java.io.PrintWriter(System.err, true)));
  }

  /** Runs a command line; returns its exit code (0 ok, 1 error, 2 bad usage). */
  static int run(String[] args, java.io.PrintWriter err) {
    System.setProperty("ai.djl.offline", "true");
    return new CommandLine(new Main())
        .setErr(err)
        .setExecutionExceptionHandler(Main::reportError)
        .execute(args);
  }

  /** Errors reach the user as one clear line on stderr and a non-zero exit code, never a stack trace. */
  static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println("tarflowlm " + cmd.getCommandName() + ": " + msg);
    if (Boolean.getBoolean("tarflowlm.debug")) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
