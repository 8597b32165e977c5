using Secrets.Client.MemoryProbe;

// memlock <count> <length>: create that many values, print how each was protected and what it cost.
// client <aws|gcp|vault|dotenv>: read the canary (PROBE_* variables) through a store, then obey stdin: evict, exit.
return args switch
{
    ["memlock", var count, var length] => MemlockProbe.Run(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)),
    ["client", var provider] => await ClientProbe.RunAsync(provider),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: memlock <count> <length> | client <aws|gcp|vault|dotenv>");
    return 2;
}
