using System.Text.Unicode;
using Secrets.Client.Transport;

namespace Secrets.Client.Aws;

/// <summary>
/// Writes the body of each Secrets Manager operation into a <see cref="PooledBuffer"/> the send takes ownership of (and
/// clears): a value goes from secret memory into the buffer without a managed copy.
/// </summary>
internal static class AwsRequestBodies
{
    public static PooledBuffer GetSecretValue(SecretReference reference)
    {
        var body = new PooledBuffer(256);
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", reference.Path);
        if (reference.Version is not null)
        {
            writer.String("VersionId", reference.Version);
        }

        if (reference.Stage is not null)
        {
            writer.String("VersionStage", reference.Stage);
        }

        writer.End();
        return body;
    }

    public static PooledBuffer BatchGetSecretValue(string[] ids, string? nextToken)
    {
        var body = new PooledBuffer();
        var writer = new AwsJsonWriter(body);
        writer.StringArray("SecretIdList", ids);
        return End(ref writer, body, nextToken);
    }

    public static PooledBuffer DescribeSecret(string secretId)
    {
        var body = new PooledBuffer(256);
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", secretId);
        writer.End();
        return body;
    }

    public static PooledBuffer ListSecrets(AwsSecretFilter[] filters, string? nextToken)
    {
        var body = new PooledBuffer();
        var writer = new AwsJsonWriter(body);
        writer.Number("MaxResults", 100);
        if (filters.Length > 0)
        {
            writer.Filters("Filters", filters);
        }

        return End(ref writer, body, nextToken);
    }

    public static PooledBuffer ListSecretVersionIds(string secretId, bool includeDeprecated, string? nextToken)
    {
        var body = new PooledBuffer();
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", secretId);
        writer.Number("MaxResults", 100);
        if (includeDeprecated)
        {
            writer.Boolean("IncludeDeprecated", true);
        }

        return End(ref writer, body, nextToken);
    }

    public static PooledBuffer RotateSecret(string secretId)
    {
        var body = new PooledBuffer();
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", secretId);
        writer.String("ClientRequestToken", Guid.NewGuid().ToString());
        writer.Boolean("RotateImmediately", true);
        writer.End();
        return body;
    }

    /// <summary>The body of <c>PutSecretValue</c> (<paramref name="idProperty"/> <c>SecretId</c>) or <c>CreateSecret</c> (<c>Name</c>): valid UTF-8 as <c>SecretString</c>, anything else as <c>SecretBinary</c>.</summary>
    public static PooledBuffer WriteSecret(string idProperty, string name, SecretValue value)
    {
        var body = new PooledBuffer(value.Length * 2 + 256);
        try
        {
            using var lease = value.Lease();
            var writer = new AwsJsonWriter(body);
            writer.String(idProperty, name);
            writer.String("ClientRequestToken", Guid.NewGuid().ToString());
            if (Utf8.IsValid(lease.Span))
            {
                writer.Utf8String("SecretString", lease.Span);
            }
            else
            {
                writer.Base64("SecretBinary", lease.Span);
            }

            writer.End();
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Ends a paged request's body, asking for the page after <paramref name="nextToken"/> when there is one.</summary>
    private static PooledBuffer End(ref AwsJsonWriter writer, PooledBuffer body, string? nextToken)
    {
        if (nextToken is not null)
        {
            writer.String("NextToken", nextToken);
        }

        writer.End();
        return body;
    }
}
