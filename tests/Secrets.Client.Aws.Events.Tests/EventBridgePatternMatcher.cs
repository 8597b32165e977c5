using System.Text.Json;

namespace Secrets.Client.Aws.Events.Tests;

/// <summary>
/// The part of EventBridge's event-pattern matching that <see cref="AwsSecretChangeListener.RecommendedEventPattern"/>
/// uses, so that the pattern can be judged without a cloud: a field's value list matches when one of its values equals
/// the event's value, or one of the event array's elements (the lists intersect); <c>{"exists": false}</c> matches a
/// field the event lacks, <c>{"exists": true}</c> one it has; a nested object matches the event's object at that field
/// (a missing one reads as empty, so only <c>exists: false</c> can match inside it); the keys of an object all hold,
/// and <c>"$or"</c> holds when one of its sub-patterns does. Any other operator (prefix, anything-but, numeric,
/// wildcard, ...) or shape is refused with <see cref="NotSupportedException"/>, so a pattern that grows past this
/// matcher fails its test instead of being judged wrongly.
/// </summary>
internal static class EventBridgePatternMatcher
{
    public static bool Matches(string pattern, string @event)
    {
        using var patternDocument = JsonDocument.Parse(pattern);
        using var eventDocument = JsonDocument.Parse(@event);
        return MatchesObject(patternDocument.RootElement, eventDocument.RootElement);
    }

    private static bool MatchesObject(JsonElement pattern, JsonElement @event)
    {
        if (pattern.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"A pattern level must be an object, not {pattern.ValueKind}.");
        }

        foreach (var field in pattern.EnumerateObject())
        {
            if (field.Name == "$or")
            {
                if (field.Value.ValueKind != JsonValueKind.Array || field.Value.GetArrayLength() < 2)
                {
                    throw new NotSupportedException("\"$or\" takes an array of at least two sub-patterns.");
                }

                if (!field.Value.EnumerateArray().Any(alternative => MatchesObject(alternative, @event)))
                {
                    return false;
                }

                continue;
            }

            if (field.Name.StartsWith('$'))
            {
                throw new NotSupportedException($"Pattern key '{field.Name}' is not supported by this matcher.");
            }

            JsonElement value = default;
            var present = @event.ValueKind == JsonValueKind.Object && @event.TryGetProperty(field.Name, out value);
            var matched = field.Value.ValueKind switch
            {
                JsonValueKind.Object => MatchesObject(field.Value, present && value.ValueKind == JsonValueKind.Object ? value : default),
                JsonValueKind.Array => MatchesLeaf(field.Value, present ? value : (JsonElement?)null),
                _ => throw new NotSupportedException($"Pattern field '{field.Name}' must hold an array of values or an object, not {field.Value.ValueKind}."),
            };
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesLeaf(JsonElement values, JsonElement? @event)
    {
        if (values.GetArrayLength() == 0)
        {
            throw new NotSupportedException("An empty value list matches nothing in EventBridge and is refused here.");
        }

        // An event array is matched element by element; an object is not a leaf and matches no value.
        JsonElement[] eventValues = @event switch
        {
            null => [],
            { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray()],
            { ValueKind: JsonValueKind.Object } => [],
            { } single => [single],
        };
        foreach (var value in values.EnumerateArray())
        {
            var hit = value.ValueKind switch
            {
                JsonValueKind.Object => MatchesOperator(value, @event is not null),
                JsonValueKind.Array => throw new NotSupportedException("A value list may not hold an array."),
                _ => eventValues.Any(candidate => SameLiteral(value, candidate)),
            };
            if (hit)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesOperator(JsonElement operation, bool present)
    {
        var members = operation.EnumerateObject().ToArray();
        if (members.Length != 1 || members[0].Name != "exists")
        {
            throw new NotSupportedException($"Operator {operation.GetRawText()} is not supported by this matcher (only exists).");
        }

        return members[0].Value.ValueKind switch
        {
            JsonValueKind.True => present,
            JsonValueKind.False => !present,
            _ => throw new NotSupportedException("\"exists\" takes true or false."),
        };
    }

    private static bool SameLiteral(JsonElement pattern, JsonElement candidate) => (pattern.ValueKind, candidate.ValueKind) switch
    {
        (JsonValueKind.String, JsonValueKind.String) => pattern.GetString() == candidate.GetString(),
        (JsonValueKind.Number, JsonValueKind.Number) => pattern.GetDecimal() == candidate.GetDecimal(),
        (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) or (JsonValueKind.Null, JsonValueKind.Null) => true,
        _ => false,
    };
}
