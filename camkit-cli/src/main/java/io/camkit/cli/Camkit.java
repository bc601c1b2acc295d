package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.core.Interruption;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code camkit} command line: a thin front end over the library. */
@Command(
    name = "camkit",
    mixinStandardHelpOptions = true,
    versionProvider = Camkit.VersionProvider.class,
    description = "Teach CNNs to find objects from image-level labels; see where they look.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      TrainCommand.class,
      CalibrateCommand.class,
      LocalizeCommand.class,
      HeatmapCommand.class,
      EvaluateCommand.class,
      SparkCommand.class,
      LayersCommand.class,
      ServeCommand.class,
      RaccoonDataCommand.class,
      BenchCommand.class,
      ExperimentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Camkit implements Runnable {
  /** Exit code of a user mistake (bad option, missing file, unreadable image). */
  public static final int USER_ERROR = 2;

  /** Exit code of a run stopped by Ctrl-C or SIGTERM after writing what was complete (128 + SIGINT). */
  public static final int INTERRUPTED = 130;

  /** How long a SIGINT/SIGTERM waits for the running batch to end before the JVM halts anyway. */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofMinutes(2);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("java.awt.headless", "true");
    // Ctrl-C and kill (SIGTERM) raise a flag that long loops poll at batch boundaries; the JVM
    // halts only once the command has written what is complete (never inside a native call).
    Interruption.installHook(STOP_GRACE);
    // glibc keeps what PyTorch frees below a block in use: trim it when resident memory grows 512 MiB
    io.camkit.core.NativeAllocator.startTrimmer();
    int code;
    Interruption.begin();
    try {
      code = execute(args);
    } finally {
      Interruption.end();
    }
    System.exit(code);
  }

  /** Runs the CLI and returns its exit code (0 success, 2 user error, 1 internal error). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Camkit());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          Throwable t = ex;
          while (t instanceof java.io.UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
          }
          if (t instanceof Interruption.Interrupted) {
            err.println("camkit: " + t.getMessage());
            return INTERRUPTED;
          }
          if (t instanceof CamkitException || t instanceof IllegalArgumentException) {
            err.println("camkit: " + t.getMessage());
            return USER_ERROR;
          }
          if (t instanceof java.nio.file.NoSuchFileException) {
            err.println("camkit: no such file: " + t.getMessage());
            return USER_ERROR;
          }
          if (t instanceof java.io.IOException) {
            err.println("camkit: " + t);
            return USER_ERROR;
          }
          err.println("camkit: internal error (please report): " + t);
          t.printStackTrace(err);
          return 1;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("camkit: " + ex.getMessage() + " (see --help)");
          return USER_ERROR;
        });
    return cl.execute(args);
  }

  /** Prints the camkit version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"camkit " + io.camkit.core.Version.get()};
    }
  }
}
