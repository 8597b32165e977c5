namespace Secrets.Client.Aws.Events.Tests;

/// <summary>The test matcher follows EventBridge's documented rules for what it supports and refuses the rest.</summary>
public class EventBridgePatternMatcherTests
{
    [Theory]
    [InlineData("""{"a":["x","y"]}""", """{"a":"y"}""", true)]
    [InlineData("""{"a":["x"]}""", """{"a":"y"}""", false)]
    [InlineData("""{"a":["x"]}""", """{"b":"x"}""", false)]
    [InlineData("""{"a":["x","z"]}""", """{"a":["y","z"]}""", true)]
    [InlineData("""{"a":["x"]}""", """{"a":["y","z"]}""", false)]
    [InlineData("""{"a":[{"exists":false}]}""", """{"b":1}""", true)]
    [InlineData("""{"a":[{"exists":false}]}""", """{"a":"x"}""", false)]
    [InlineData("""{"a":[{"exists":true}]}""", """{"a":"x"}""", true)]
    [InlineData("""{"o":{"a":[{"exists":false}]}}""", """{"p":1}""", true)]
    [InlineData("""{"o":{"a":["x"]}}""", """{"o":{"a":"x","b":"y"}}""", true)]
    [InlineData("""{"o":{"a":["x"]}}""", """{"o":"x"}""", false)]
    [InlineData("""{"a":[1],"b":[true]}""", """{"a":1.0,"b":true}""", true)]
    [InlineData("""{"a":["x"],"b":["y"]}""", """{"a":"x","b":"z"}""", false)]
    [InlineData("""{"$or":[{"a":["x"]},{"b":["y"]}]}""", """{"a":"q","b":"y"}""", true)]
    [InlineData("""{"$or":[{"a":["x"]},{"b":["y"]}]}""", """{"a":"q","b":"q"}""", false)]
    [InlineData("""{"c":["k"],"$or":[{"a":["x"]},{"b":["y"]}]}""", """{"a":"x","c":"j"}""", false)]
    public void Matches_as_EventBridge_documents(string pattern, string @event, bool expected) =>
        Assert.Equal(expected, EventBridgePatternMatcher.Matches(pattern, @event));

    [Theory]
    [InlineData("""{"a":[{"prefix":"x"}]}""")]
    [InlineData("""{"a":[{"anything-but":"x"}]}""")]
    [InlineData("""{"a":"x"}""")]
    [InlineData("""{"a":[]}""")]
    [InlineData("""{"$or":[{"a":["x"]}]}""")]
    [InlineData("""{"$and":[{"a":["x"]},{"b":["y"]}]}""")]
    public void Refuses_what_it_does_not_implement(string pattern) =>
        Assert.Throws<NotSupportedException>(() => EventBridgePatternMatcher.Matches(pattern, """{"a":"x"}"""));
}
