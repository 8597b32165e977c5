using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>ListSecrets' and BatchGetSecretValue's filters: which secrets a list of AWS filters selects.</summary>
internal static class AwsSecretFilter
{
    /// <summary>Secrets matching AWS filters (values OR-ed within a filter, filters AND-ed, '!' negates), newest first.</summary>
    public static IEnumerable<AwsEmulatedSecret> Select(IEnumerable<AwsEmulatedSecret> secrets, JsonElement filters, bool includeDeleted)
    {
        var parsed = new List<(string Key, string[] Values)>();
        if (filters.ValueKind == JsonValueKind.Array)
        {
            foreach (var filter in filters.EnumerateArray())
            {
                var key = AwsSecretsManagerWire.OptionalString(filter, "Key") ?? string.Empty;
                if (key is not ("description" or "name" or "tag-key" or "tag-value" or "primary-region" or "owning-service" or "all"))
                {
                    throw AwsEmulatorException.InvalidParameter($"Invalid filter key '{key}'. Valid keys: description, name, tag-key, tag-value, primary-region, owning-service, all.");
                }

                var values = filter.TryGetProperty("Values", out var v) && v.ValueKind == JsonValueKind.Array
                    ? v.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray()
                    : [];
                parsed.Add((key, values));
            }
        }

        return secrets
            .Where(s => includeDeleted || s.DeletedDate is null)
            .Where(s => parsed.All(f => f.Values.Any(value => Matches(s, f.Key, value))))
            .OrderByDescending(s => s.Sequence);
    }

    private static bool Matches(AwsEmulatedSecret secret, string key, string value)
    {
        var negate = value.StartsWith('!');
        var needle = negate ? value[1..] : value;
        var hit = key switch
        {
            "name" => secret.Name.StartsWith(needle, StringComparison.Ordinal),
            "description" => secret.Description?.StartsWith(needle, StringComparison.OrdinalIgnoreCase) == true,
            "tag-key" => secret.Tags.Any(t => t.Key.StartsWith(needle, StringComparison.Ordinal)),
            "tag-value" => secret.Tags.Any(t => t.Value.StartsWith(needle, StringComparison.Ordinal)),
            "all" => needle.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word =>
                Words(secret).Any(w => w.StartsWith(word, StringComparison.OrdinalIgnoreCase))),
            _ => false,
        };
        return hit != negate;
    }

    private static IEnumerable<string> Words(AwsEmulatedSecret secret)
    {
        char[] separators = [' ', '/', '_', '-', '.', '+', '=', '@', ':'];
        var texts = new List<string> { secret.Name, secret.Description ?? string.Empty };
        texts.AddRange(secret.Tags.SelectMany(t => new[] { t.Key, t.Value }));
        return texts.SelectMany(t => t.Split(separators, StringSplitOptions.RemoveEmptyEntries).Append(t));
    }
}
