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

if (args.Length > 0 && args[0] == "--direct-scaling")
{
    // Reference point without the provider: Pkcs11Interop with one session per thread, 1 thread vs 2, and .NET's
    // software RSA (OpenSSL) the same way. Shows whether the token itself scales on this machine right now.
    using var token = new BenchmarkToken();
    await using var signer = token.CreateSigner(1);
    await signer.ConnectAsync(); // Also maps Pkcs11Interop's "libdl" import on glibc 2.34+.
    var factories = new Net.Pkcs11Interop.HighLevelAPI.Pkcs11InteropFactories();
    using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, BenchmarkToken.ModulePath, Net.Pkcs11Interop.Common.AppType.MultiThreaded);
    var slot = library.GetSlotList(Net.Pkcs11Interop.Common.SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == BenchmarkToken.Label);
    var sessions = Enumerable.Range(0, 2).Select(_ => slot.OpenSession(Net.Pkcs11Interop.Common.SessionType.ReadOnly)).ToArray();
    // Already logged in through the signer: PKCS#11 login state is per application.
    var handle = sessions[0].FindAllObjects(
    [
        factories.ObjectAttributeFactory.Create(Net.Pkcs11Interop.Common.CKA.CKA_CLASS, Net.Pkcs11Interop.Common.CKO.CKO_PRIVATE_KEY),
        factories.ObjectAttributeFactory.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, "rsa"),
    ]).Single();
    var data = RandomNumberGenerator.GetBytes(256);
    using var software = RSA.Create(2048);
    for (var round = 1; round <= 3; round++)
    {
        foreach (var (name, sign) in new (string, Action<int>)[]
        {
            ("RS256 direct Pkcs11Interop", i => sessions[i].Sign(factories.MechanismFactory.Create(Net.Pkcs11Interop.Common.CKM.CKM_SHA256_RSA_PKCS), handle, data)),
            ("RS256 .NET software (OpenSSL)", _ => software.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
        })
        {
            var rates = new double[2];
            for (var threads = 1; threads <= 2; threads++)
            {
                var count = 0L;
                var stopwatch = Stopwatch.StartNew();
                var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
                {
                    while (stopwatch.Elapsed < TimeSpan.FromSeconds(2))
                    {
                        sign(t);
                        Interlocked.Increment(ref count);
                    }
                }, TaskCreationOptions.LongRunning)).ToArray();
                Task.WaitAll(workers);
                rates[threads - 1] = count / stopwatch.Elapsed.TotalSeconds;
            }

            Console.WriteLine($"round {round} {name}: 1 thread {rates[0]:F0}/s, 2 threads {rates[1]:F0}/s, ratio {rates[1] / rates[0]:F2}x");
        }
    }

    return;
}

if (args.Length > 0 && args[0] == "--cpu")
{
    // CPU time per signature on one thread, direct Pkcs11Interop vs the provider, in alternating rounds. Unlike wall
    // time, the process's own CPU time is barely disturbed by other programs competing for the cores.
    var bench = new SignOverheadBenchmarks();
    await bench.SetupAsync();
    try
    {
        var cases = new (string Name, Func<Task> Sign)[]
        {
            ("ES256 direct", () => { bench.Es256Direct(); return Task.CompletedTask; }),
            ("ES256 provider SignDataAsync", async () => await bench.Es256Provider()),
            ("ES256 provider ECDsa.SignData", () => { bench.Es256ProviderDotNet(); return Task.CompletedTask; }),
            ("RS256 direct", () => { bench.Rs256Direct(); return Task.CompletedTask; }),
            ("RS256 provider SignDataAsync", async () => await bench.Rs256Provider()),
            ("RS256 provider RSA.SignData", () => { bench.Rs256ProviderDotNet(); return Task.CompletedTask; }),
        };
        var totals = cases.ToDictionary(c => c.Name, _ => TimeSpan.Zero);
        const int perRound = 300;
        const int rounds = 8;
        for (var round = -2; round < rounds; round++)
        {
            foreach (var (name, sign) in cases)
            {
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < perRound; i++)
                {
                    await sign();
                }

                if (round >= 0)
                {
                    // The first rounds warm up the JIT (tiered compilation) and are not counted.
                    totals[name] += Process.GetCurrentProcess().TotalProcessorTime - before;
                }
            }
        }

        foreach (var (name, total) in totals)
        {
            var direct = totals[name[..5] + " direct"];
            Console.WriteLine($"{name,-32} {total.TotalMicroseconds / (rounds * perRound),8:F1} us CPU/signature  ratio {total / direct:F3}");
        }
    }
    finally
    {
        await bench.CleanupAsync();
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
