return await Secrets.Client.Cli.SecretsCommandLine.RunAsync(args, Secrets.Client.Cli.CliContext.FromProcess()).ConfigureAwait(false);
