namespace Secrets.Client.Cli;

/// <summary>What the leak response did and who read the secret in the window.</summary>
internal sealed record LeakReport(
    string Secret,
    string? LeakedVersion,
    string? CurrentVersion,
    DateTimeOffset Since,
    DateTimeOffset Until,
    IReadOnlyList<LeakStep> Steps,
    IReadOnlyList<(string Name, string Status)> Sources,
    IReadOnlyList<AuditRead> Reads)
{
    public bool Complete => !Steps.Any(step => step.Incomplete) && !Sources.Any(source => source.Status.StartsWith("unreachable", StringComparison.Ordinal));

    public void Write(CliOutput output)
    {
        if (output.Json)
        {
            output.WriteJson(json =>
            {
                json.WriteStartObject();
                json.WriteString("secret", Secret);
                json.WriteString("leakedVersion", LeakedVersion);
                json.WriteString("currentVersion", CurrentVersion);
                json.WriteString("since", Since.ToUniversalTime());
                json.WriteString("until", Until.ToUniversalTime());
                json.WriteStartArray("steps");
                foreach (var step in Steps)
                {
                    json.WriteStartObject();
                    json.WriteString("name", step.Name);
                    json.WriteString("status", step.Status);
                    json.WriteString("detail", step.Detail);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("sources");
                foreach (var (name, status) in Sources)
                {
                    json.WriteStartObject();
                    json.WriteString("name", name);
                    json.WriteString("status", status);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("reads");
                foreach (var read in Reads)
                {
                    json.WriteStartObject();
                    json.WriteString("source", read.Source);
                    json.WriteString("time", read.Time.ToUniversalTime());
                    json.WriteString("principal", read.Principal);
                    json.WriteString("host", read.Host);
                    json.WriteString("version", read.Version);
                    json.WriteString("operation", read.Operation);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteBoolean("complete", Complete);
                json.WriteEndObject();
            });
            return;
        }

        output.Line($"leak response for {Secret} (leaked version {LeakedVersion ?? "-"}, current {CurrentVersion ?? "-"})");
        foreach (var step in Steps)
        {
            output.Line($"  [{step.Status}] {step.Name}: {step.Detail}");
        }

        output.Line($"reads from {CliOutput.Time(Since)} to {CliOutput.Time(Until)}:");
        foreach (var (name, status) in Sources)
        {
            output.Line($"  source {name}: {status}");
        }

        output.Line("  time                  source             principal                                 host             version");
        foreach (var read in Reads)
        {
            output.Line($"  {CliOutput.Time(read.Time),-21} {read.Source,-18} {read.Principal ?? "-",-41} {read.Host ?? "-",-16} {read.Version ?? "(not recorded)"}");
        }

        output.Line(Complete ? "complete." : "INCOMPLETE: see the steps and sources above.");
    }
}
