using Defender365.Toolkit.Cli;

// Ctrl+C and SIGTERM cancel the running command (System.CommandLine passes the token on).
return await DefenderCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
