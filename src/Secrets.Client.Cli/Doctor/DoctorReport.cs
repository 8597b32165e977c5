namespace Secrets.Client.Cli;

/// <summary>Writes doctor's findings: a list for people, or JSON.</summary>
internal static class DoctorReport
{
    public static void Write(CliOutput output, IReadOnlyList<DoctorFinding> findings)
    {
        if (output.Json)
        {
            output.WriteJson(json =>
            {
                json.WriteStartArray();
                foreach (var finding in findings)
                {
                    json.WriteStartObject();
                    json.WriteString("check", finding.Check);
                    json.WriteString("path", finding.Path);
                    if (finding.Line is { } line)
                    {
                        json.WriteNumber("line", line);
                    }

                    json.WriteString("problem", finding.Problem);
                    json.WriteString("fix", finding.Fix);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
            return;
        }

        if (findings.Count == 0)
        {
            output.Line("doctor: no problems found.");
            return;
        }

        foreach (var finding in findings)
        {
            output.Line($"[{finding.Check}] {finding.Location}: {finding.Problem}");
            output.Line($"    fix: {finding.Fix}");
        }

        output.Line($"doctor: {findings.Count} problem(s).");
    }
}
