namespace Secrets.Client.Vault;

/// <summary>Works out Vault's address: the configured one, else <c>VAULT_ADDR</c>; https, or http to loopback unless allowed.</summary>
internal static class VaultEndpoint
{
    public static Uri Resolve(HashiCorpVaultSecretProviderOptions options)
    {
        var address = options.Endpoint;
        if (address is null)
        {
            var text = System.Environment.GetEnvironmentVariable("VAULT_ADDR");
            if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out address))
            {
                throw new ArgumentException($"{nameof(options.Endpoint)} is not set and VAULT_ADDR is {(string.IsNullOrWhiteSpace(text) ? "empty" : "not an absolute URI")}.", nameof(options));
            }
        }

        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{nameof(options.Endpoint)} must be an absolute http(s) address; got '{address}'.", nameof(options));
        }

        if (address.Scheme == Uri.UriSchemeHttp && !address.IsLoopback && !options.AllowInsecureHttp)
        {
            throw new ArgumentException($"{nameof(options.Endpoint)} '{address}' uses plain http to a host that is not loopback: tokens and secret values would cross the network in clear. Use https, or set {nameof(options.AllowInsecureHttp)}.", nameof(options));
        }

        var withoutQuery = address.GetLeftPart(UriPartial.Path);
        return new Uri(withoutQuery.EndsWith('/') ? withoutQuery : withoutQuery + "/");
    }
}
