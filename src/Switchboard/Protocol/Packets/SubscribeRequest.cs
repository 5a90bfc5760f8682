namespace Switchboard;

/// <summary>One topic filter of a SUBSCRIBE with its subscription options.</summary>
/// <param name="Filter">The topic filter (wildcards allowed).</param>
/// <param name="Qos">Maximum QoS requested.</param>
/// <param name="NoLocal">MQTT 5: do not send back messages this client publishes itself (not allowed on shared subscriptions).</param>
/// <param name="RetainAsPublished">MQTT 5: keep the retain flag of forwarded messages as published.</param>
/// <param name="RetainHandling">MQTT 5: 0 = send retained messages on subscribe, 1 = only if the subscription is new, 2 = never.</param>
/// <remarks>3.1.1 has only the QoS; the other options are not sent on a 3.1.1 connection.</remarks>
internal readonly record struct SubscribeRequest(string Filter, Qos Qos, bool NoLocal = false, bool RetainAsPublished = false, byte RetainHandling = 0);
