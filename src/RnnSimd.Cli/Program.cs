using RnnSimd.Cli;

// The rnnsimd command: docs/cli.md has every command, option and exit code.
return RnnSimdCommand.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected);
