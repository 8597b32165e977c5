using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Secrets.Client.Pkcs11.Benchmarks.BenchmarkToken).Assembly).Run(args);
