namespace Switchboard.HomeAssistant;

/// <summary>One MQTT message a control call publishes: exactly what Home Assistant would send for the same action.</summary>
/// <param name="Topic">The command topic from the entity's config.</param>
/// <param name="Payload">The payload, after the config's payloads and command templates.</param>
/// <param name="Qos">The entity's <c>qos</c> (0 by default).</param>
/// <param name="Retain">The entity's <c>retain</c> (false by default).</param>
public readonly record struct CommandMessage(string Topic, string Payload, Qos Qos, bool Retain);
