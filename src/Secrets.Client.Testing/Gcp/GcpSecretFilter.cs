namespace Secrets.Client.Testing;

/// <summary>The subset of Secret Manager's list filter syntax the emulator understands.</summary>
internal static class GcpSecretFilter
{
    public static bool TryParse(string filter, out Func<GcpStoredSecret, bool> predicate)
    {
        var terms = new List<Func<GcpStoredSecret, bool>>();
        predicate = s => terms.TrueForAll(t => t(s));
        foreach (var term in filter.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (term.StartsWith("name:", StringComparison.Ordinal))
            {
                // ':' on a string field means "contains", on the secret's id.
                var text = term["name:".Length..].Trim('"');
                terms.Add(s => s.Name[(s.Name.LastIndexOf('/') + 1)..].Contains(text, StringComparison.Ordinal));
            }
            else if (term.StartsWith("labels.", StringComparison.Ordinal))
            {
                var rest = term["labels.".Length..];
                var equals = rest.IndexOf('=', StringComparison.Ordinal);
                var colon = rest.IndexOf(':', StringComparison.Ordinal);
                var split = equals >= 0 ? equals : colon;
                if (split <= 0)
                {
                    return false;
                }

                var labelKey = rest[..split];
                var labelValue = rest[(split + 1)..].Trim('"');
                terms.Add(labelValue == "*"
                    ? s => s.Labels.ContainsKey(labelKey)
                    : s => s.Labels.TryGetValue(labelKey, out var v) && v == labelValue);
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
