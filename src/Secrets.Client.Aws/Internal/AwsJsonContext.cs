using System.Text.Json.Serialization;

namespace Secrets.Client.Aws;

/// <summary>Source-generated JSON metadata for the few non-secret strings written with the serializer (trim/AOT safe).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
