package org.neuronexplainer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Properties;
import org.neuronexplainer.cli.capture.ActivationsCommand;
import org.neuronexplainer.cli.capture.BenchCommand;
import org.neuronexplainer.cli.capture.CaptureCommand;
import org.neuronexplainer.cli.capture.CollateCommand;
import org.neuronexplainer.cli.capture.CreateModelCommand;
import org.neuronexplainer.cli.capture.TokenizeCommand;
import org.neuronexplainer.cli.capture.WeightsCommand;
import org.neuronexplainer.cli.dataset.RescoreCommand;
import org.neuronexplainer.cli.dataset.ValidateCommand;
import org.neuronexplainer.cli.explain.ExplainNeuronCommand;
import org.neuronexplainer.cli.explain.PromptCommand;
import org.neuronexplainer.cli.pipeline.ApiCommands;
import org.neuronexplainer.cli.pipeline.ProcessCommands;
import org.neuronexplainer.cli.pipeline.RunCommand;
import org.neuronexplainer.cli.viewer.ServeCommand;
import org.neuronexplainer.common.storage.FileErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code neuron-explainer} command line: every command of the system, one entry point. */
@Command(
    name = "neuron-explainer",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    versionProvider = Main.Version.class,
    description = {
      "Explains the neurons of language models: records what makes each neuron fire,",
      "writes an explanation, simulates the neuron from it and scores the simulation.",
      "",
      "Run `neuron-explainer COMMAND --help` for the options of a command."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      ActivationsCommand.class,
      ExplainNeuronCommand.class,
      PromptCommand.class,
      RescoreCommand.class,
      ServeCommand.class,
      TokenizeCommand.class,
      ValidateCommand.class,
      RunCommand.class,
      ProcessCommands.CoordinatorCommand.class,
      ProcessCommands.WorkerCommand.class,
      ApiCommands.Submit.class,
      ApiCommands.Runs.class,
      ApiCommands.Status.class,
      ApiCommands.Requeue.class,
      ApiCommands.Resume.class,
      ApiCommands.Cancel.class,
      BenchCommand.class,
      CaptureCommand.class,
      CollateCommand.class,
      CreateModelCommand.class,
      WeightsCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with its error handling; tests call this too. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    // Descriptions are written for a 100-column terminal; a wider one is used when detected.
    commandLine.setUsageHelpWidth(100);
    commandLine.setExecutionExceptionHandler(Main::reportFailure);
    return commandLine;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.printf(
          "neuron-explainer: out of Java heap memory (at most %d MiB here). Capture keeps a token"
              + " table of 8 bytes per neuron and vocabulary token seen: give the JVM more memory"
              + " (NEURON_EXPLAINER_JAVA_OPTS=-Xmx16g, say) or capture fewer layers or neurons per"
              + " process (--layers, --neurons).%n",
          Runtime.getRuntime().maxMemory() >> 20);
      code = 3;
    }
    System.exit(code);
  }

  /**
   * Errors reach the user as one line naming the problem; a stack trace only on request, and the
   * hint to request one only for an unexpected failure, where the trace is what explains it.
   */
  static int reportFailure(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println(commandLine.getCommandName() + ": " + message(failure));
    if (System.getenv("NEURON_EXPLAINER_DEBUG") != null) {
      failure.printStackTrace(err);
    } else if (!isPlain(failure)) {
      err.println("(set NEURON_EXPLAINER_DEBUG=1 to see the stack trace)");
    }
    err.flush();
    return failure instanceof UserException user ? user.exitCode() : 1;
  }

  /** The failure in plain words: a file system error as its cause and path, never a class name. */
  static String message(Exception failure) {
    if (failure instanceof FileSystemException fs) {
      return FileErrors.describe(fs);
    }
    if (failure instanceof UncheckedIOException unchecked
        && unchecked.getCause() instanceof FileSystemException fs
        && String.valueOf(unchecked.getMessage()).equals(fs.toString())) {
      return FileErrors.describe(fs); // wrapped without words of its own
    }
    return failure.getMessage() == null ? failure.toString() : failure.getMessage();
  }

  /**
   * A failure whose message says all there is: the user's input, a configuration value (the project
   * refuses those with IllegalArgumentException) or the file system (permission denied, a full
   * disk). Anything else is unexpected, and its stack trace is worth asking for.
   */
  static boolean isPlain(Exception failure) {
    return failure instanceof UserException
        || failure instanceof IllegalArgumentException
        || FileErrors.describeIfFileError(failure).isPresent();
  }

  /** The project's version, written into {@code version.properties} by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "neuron-explainer " + projectVersion(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }

    static String projectVersion() {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        // fall through to the manifest
      }
      String version = properties.getProperty("version", "");
      if (version.isBlank() || version.contains("${")) {
        version = Main.class.getPackage().getImplementationVersion();
      }
      return version == null ? "(version unknown: built without Maven)" : version;
    }
  }
}
