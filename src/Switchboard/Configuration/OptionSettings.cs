namespace Switchboard;

/// <summary>
/// Every <see cref="SwitchboardOptions"/> property that can be written as text, with its <c>MQTT_*</c> variable and its
/// parser. <see cref="SwitchboardOptions.FromEnvironment()"/>, <see cref="SwitchboardOptions.ApplyEnvironment"/> and
/// <see cref="SwitchboardOptions.ApplySetting"/> (which Switchboard.Hosting binds configuration sections through) all
/// read through this one table, so a value means the same wherever it is written.
/// </summary>
internal static class OptionSettings
{
    /// <summary>One setting: the property <paramref name="Name"/>, its variable <paramref name="Key"/>, and how a value
    /// is applied (options, raw text, the setting to name in errors, the label for messages, whether hh:mm:ss is allowed).</summary>
    internal sealed record Setting(string Name, string Key, Action<SwitchboardOptions, string, string, string, bool> Apply);

    /// <summary>The settings, in the order of <see cref="OptionKeys"/>.</summary>
    public static IReadOnlyList<Setting> All { get; } =
    [
        Text(nameof(SwitchboardOptions.Url), OptionKeys.Url, (o, v) => o.Url = v),
        Text(nameof(SwitchboardOptions.ClientId), OptionKeys.ClientId, (o, v) => o.ClientId = v),
        Text(nameof(SwitchboardOptions.SourceName), OptionKeys.SourceName, (o, v) => o.SourceName = v),
        Duration(nameof(SwitchboardOptions.KeepAlive), OptionKeys.KeepAlive, (o, v) => o.KeepAlive = v),
        Duration(nameof(SwitchboardOptions.ConnectTimeout), OptionKeys.ConnectTimeout, (o, v) => o.ConnectTimeout = v),
        new(nameof(SwitchboardOptions.Protocol), OptionKeys.Protocol, (o, raw, setting, label, _) => o.Protocol = SettingValues.ParseProtocol(setting, raw, label)),
        Bool(nameof(SwitchboardOptions.CleanStart), OptionKeys.CleanStart, (o, v) => o.CleanStart = v),
        Duration(nameof(SwitchboardOptions.SessionExpiry), OptionKeys.SessionExpiry, (o, v) => o.SessionExpiry = v),
        Text(nameof(SwitchboardOptions.TlsCaFile), OptionKeys.TlsCaFile, (o, v) => o.TlsCaFile = v),
        Text(nameof(SwitchboardOptions.TlsCertFile), OptionKeys.TlsCertFile, (o, v) => o.TlsCertFile = v),
        Text(nameof(SwitchboardOptions.TlsKeyFile), OptionKeys.TlsKeyFile, (o, v) => o.TlsKeyFile = v),
        Bool(nameof(SwitchboardOptions.TlsInsecure), OptionKeys.TlsInsecure, (o, v) => o.TlsInsecure = v),
        Bool(nameof(SwitchboardOptions.EnableHealth), OptionKeys.EnableHealth, (o, v) => o.EnableHealth = v),
        Bool(nameof(SwitchboardOptions.EnableHeartbeat), OptionKeys.EnableHeartbeat, (o, v) => o.EnableHeartbeat = v),
        Duration(nameof(SwitchboardOptions.HeartbeatInterval), OptionKeys.HeartbeatInterval, (o, v) => o.HeartbeatInterval = v),
        Duration(nameof(SwitchboardOptions.DedupeTtl), OptionKeys.DedupeTtl, (o, v) => o.DedupeTtl = v),
        Int(nameof(SwitchboardOptions.DedupeMaxEntries), OptionKeys.DedupeMaxEntries, (o, v) => o.DedupeMaxEntries = v),
        Duration(nameof(SwitchboardOptions.ReconnectMinDelay), OptionKeys.ReconnectMinDelay, (o, v) => o.ReconnectMinDelay = v),
        Duration(nameof(SwitchboardOptions.ReconnectMaxDelay), OptionKeys.ReconnectMaxDelay, (o, v) => o.ReconnectMaxDelay = v),
        Bool(nameof(SwitchboardOptions.RetryFirstConnect), OptionKeys.RetryFirstConnect, (o, v) => o.RetryFirstConnect = v),
        Int(nameof(SwitchboardOptions.QueueCapacity), OptionKeys.QueueCapacity, (o, v) => o.QueueCapacity = v),
        new(nameof(SwitchboardOptions.OverflowPolicy), OptionKeys.OverflowPolicy, (o, raw, setting, label, _) => o.OverflowPolicy = SettingValues.ParseOverflowPolicy(setting, raw, label)),
        Int(nameof(SwitchboardOptions.MaxInflight), OptionKeys.MaxInflight, (o, v) => o.MaxInflight = v),
        Int(nameof(SwitchboardOptions.IncomingQueueCapacity), OptionKeys.IncomingQueueCapacity, (o, v) => o.IncomingQueueCapacity = v),
        Int(nameof(SwitchboardOptions.MaxRedeliveries), OptionKeys.MaxRedeliveries, (o, v) => o.MaxRedeliveries = v),
        Text(nameof(SwitchboardOptions.DeadLetterTopic), OptionKeys.DeadLetterTopic, (o, v) => o.DeadLetterTopic = v),
        Duration(nameof(SwitchboardOptions.DrainTimeout), OptionKeys.DrainTimeout, (o, v) => o.DrainTimeout = v),
        Duration(nameof(SwitchboardOptions.RequestTimeout), OptionKeys.RequestTimeout, (o, v) => o.RequestTimeout = v),
        Text(nameof(SwitchboardOptions.OutboxPath), OptionKeys.OutboxPath, (o, v) => o.OutboxPath = v),
        new(nameof(SwitchboardOptions.OutboxFsync), OptionKeys.OutboxFsync, (o, raw, setting, label, _) => o.OutboxFsync = ParseOutboxFsync(setting, raw, label)),
        Text(nameof(SwitchboardOptions.Username), OptionKeys.Username, (o, v) => o.Username = v),
        Text(nameof(SwitchboardOptions.Password), OptionKeys.Password, (o, v) => o.Password = v),
        Text(nameof(SwitchboardOptions.TopicPrefix), OptionKeys.TopicPrefix, (o, v) => o.TopicPrefix = v),
    ];

    private static readonly Dictionary<string, Setting> ByName = All.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The setting of a property name (any case), or null.</summary>
    public static Setting? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The property names, sorted, for an error that lists them.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(s => s.Name).Order(StringComparer.Ordinal));

    private static OutboxFsync ParseOutboxFsync(string setting, string raw, string label) => raw.Trim().ToLowerInvariant() switch
    {
        "never" => OutboxFsync.Never,
        "batch" => OutboxFsync.Batch,
        "always" => OutboxFsync.Always,
        _ => throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is not an outbox fsync mode; use never, batch or always."),
    };

    private static Setting Text(string name, string key, Action<SwitchboardOptions, string> set) =>
        new(name, key, (o, raw, _, _, _) => set(o, raw));

    private static Setting Bool(string name, string key, Action<SwitchboardOptions, bool> set) =>
        new(name, key, (o, raw, setting, label, _) => set(o, SettingValues.ParseBool(setting, raw, label)));

    private static Setting Int(string name, string key, Action<SwitchboardOptions, int> set) =>
        new(name, key, (o, raw, setting, label, _) => set(o, SettingValues.ParseInt(setting, raw, label: label)));

    private static Setting Duration(string name, string key, Action<SwitchboardOptions, TimeSpan> set) =>
        new(name, key, (o, raw, setting, label, clock) => set(o, SettingValues.ParseDuration(setting, raw, clock, label)));
}
