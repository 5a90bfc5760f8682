namespace Switchboard;

/// <summary>The messages of the trimming and Native AOT annotations (<c>RequiresUnreferencedCode</c>,
/// <c>RequiresDynamicCode</c>) on the reflection-based JSON conveniences: each names the way out.</summary>
internal static class AotMessages
{
    public const string ReflectionJson =
        "Serializes with reflection-based System.Text.Json metadata (SwitchboardOptions.JsonSerializerOptions or the " +
        "snake_case default), which trimming can break and Native AOT cannot generate. Use the overload that takes a " +
        "JsonTypeInfo<T> from a source-generated JsonSerializerContext instead.";
}
