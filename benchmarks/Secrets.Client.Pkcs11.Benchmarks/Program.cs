using System.Diagnostics;
using System.Security.Cryptography;
using BenchmarkDotNet.Running;
using Secrets.Client.Pkcs11;
using Secrets.Client.Pkcs11.Benchmarks;

if (args.Length > 0 && args[0] == "--throughput")
{
    // A plain wall-clock check next to BenchmarkDotNet: 8 workers sign ES256 (or RS256) for a few seconds, with a
    // pool of one session and with the default pool, in alternating rounds so that machine load hits both alike.
    var algorithm = args.Length > 1 ? Pkcs11SignatureAlgorithm.FromName(args[1]) : Pkcs11SignatureAlgorithm.ES256;
    using var token = new BenchmarkToken();
    if (args.Length > 2)
    {
        // One configuration only, so that an outside tool can measure the CPU time it takes.
        var rate = await MeasureAsync(token, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), algorithm);
        Console.WriteLine($"{algorithm} with MaxSessions={args[2]}: {rate:F0}/s");
        return;
    }

    foreach (var round in Enumerable.Range(1, 3))
    {
        var single = await MeasureAsync(token, maxSessions: 1, algorithm);
        var pooled = await MeasureAsync(token, maxSessions: 0, algorithm);
        Console.WriteLine($"round {round} {algorithm}: 1 session {single:F0}/s, pool {pooled:F0}/s, ratio {pooled / single:F2}x");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkToken).Assembly).Run(args);

static async Task<double> MeasureAsync(BenchmarkToken token, int maxSessions, Pkcs11SignatureAlgorithm algorithm)
{
    await using var signer = token.CreateSigner(maxSessions);
    var key = await signer.GetKeyAsync(algorithm.KeyType == Pkcs11KeyType.EC ? "ec" : "rsa");
    var data = RandomNumberGenerator.GetBytes(256);
    await key.SignDataAsync(data, algorithm);
    var count = 0L;
    var stopwatch = Stopwatch.StartNew();
    var duration = TimeSpan.FromSeconds(3);
    var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        while (stopwatch.Elapsed < duration)
        {
            await key.SignDataAsync(data, algorithm);
            Interlocked.Increment(ref count);
        }
    }));
    await Task.WhenAll(workers);
    return count / stopwatch.Elapsed.TotalSeconds;
}
