package org.iceshare.client;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.iceshare.api.swarm.IcetUrl;

import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;

/**
 * {@code iceshare}: the listener's client. Each failure the user can act on ends the program with one
 * line on stderr and an exit code ({@link ExitCodes}); a stack trace only with {@code --debug}. The command
 * line itself is {@link IceshareCommand} and its subcommands.
 */
public final class Main {
    /** Set by {@code --debug}: failures show their stack trace. */
    static volatile boolean debug;

    private Main() {
    }

    /** The subcommands, in the order the help lists them. */
    private static final List<String> COMMANDS = List.of("get", "play", "publish", "seed", "status", "help",
            "cds-training");

    /** A subcommand's object (a switch, not a table of constructor references: those cost a cold start ~20 ms). */
    private static Object command(String name) {
        switch (name) {
            case "get":
                return new GetCommand();
            case "play":
                return new PlayCommand();
            case "publish":
                return new PublishCommand();
            case "seed":
                return new SeedCommand();
            case "status":
                return new StatusCommand();
            case "help":
                return new CommandLine.HelpCommand();
            case "cds-training":
                return new CdsTrainingCommand();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    public static void main(String[] args) {
        StartTrace.mark("main");
        // picocli's own switch: without it, the first model it builds looks for Groovy's Closure class on the
        // class path, a miss that opens every jar of the client (~17 ms of a start's CPU)
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
        if (args.length > 0 && StartWarmUp.WANTED_BY.contains(args[0])) {
            StartWarmUp.begin();
        }
        System.exit(run(args));
    }

    /** Runs a command line and gives the exit code. */
    static int run(String... args) {
        String named = args.length > 0 ? args[0] : null;
        if (named != null && !named.equals("help") && COMMANDS.contains(named)) {
            // a command line that names its command gets only that one, parsed on its own: picocli models each
            // command by reflection and sets up a parser per level, the costliest part of a start's first
            // 100 ms; usage errors and help say "iceshare <command>" all the same
            CommandLine cl = commandLine(named);
            StartTrace.mark("command line built");
            return cl.execute(Arrays.copyOfRange(args, 1, args.length));
        }
        return commandLine().execute(args);
    }

    /** The whole command line: {@code iceshare} and every command, with its error handling. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new IceshareCommand(), Handlers.INSTANCE);
        // set here, not in the annotation: picocli would make the provider with its default factory, whose
        // first use looks for Groovy on the class path
        cl.getCommandSpec().versionProvider(new Version());
        for (String c : COMMANDS) {
            cl.addSubcommand(c, command(c));
        }
        return handled(cl);
    }

    private static CommandLine handled(CommandLine cl) {
        cl.setParameterExceptionHandler(Handlers.INSTANCE);
        cl.setExecutionExceptionHandler(Handlers.INSTANCE);
        return cl;
    }

    /**
     * How a command line fails (one line on stderr and an exit code), and how picocli makes its helper objects
     * (with their no-argument constructor: picocli's default factory would first look for Groovy on the class
     * path, a miss that opens every jar of the client at each start). A class, not lambdas: each lambda's
     * first use costs a cold start a few milliseconds.
     */
    private static final class Handlers implements CommandLine.IParameterExceptionHandler,
            CommandLine.IExecutionExceptionHandler, CommandLine.IFactory {
        static final Handlers INSTANCE = new Handlers();

        @Override
        public int handleParseException(ParameterException e, String[] args) {
            error(e.getMessage());
            return ExitCodes.USAGE;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine c, CommandLine.ParseResult parsed) {
            if (ClientPeer.signalled()) {
                // Ctrl-C: the peer was closed under the command; the shutdown hook said what there was to say
                return ExitCodes.INTERRUPTED;
            }
            if (e instanceof ClientException ce) {
                error(ce.getMessage());
                if (debug && ce.getCause() != null) {
                    ce.getCause().printStackTrace();
                }
                return ce.exitCode();
            }
            error("unexpected failure: " + e + (debug ? "" : " (--debug shows where)"));
            if (debug) {
                e.printStackTrace();
            }
            return ExitCodes.INTERNAL;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            var c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        }
    }

    /** The command line of one command, as {@link #run} runs it (also the class-data sharing archive's training). */
    static CommandLine commandLine(String command) {
        CommandLine cl = handled(new CommandLine(command(command), Handlers.INSTANCE));
        cl.setCommandName("iceshare " + command);
        return cl;
    }

    /** One line on stderr, however the message was built. */
    static void error(String message) {
        PrintStream err = System.err;
        err.println("iceshare: " + String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        err.flush();
    }

    /** An {@code icet://} URL, or a usage error that says what is wrong with it. */
    static IcetUrl url(String text) throws ClientException {
        try {
            return IcetUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** The version from the client jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"iceshare " + (v == null ? "(development build)" : v) + " (Java "
                    + Runtime.version() + ")"};
        }
    }
}
