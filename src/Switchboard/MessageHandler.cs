namespace Switchboard;

/// <summary>Handles one received message. QoS ≥ 1 messages are acknowledged to the broker after the handler returns.</summary>
public delegate ValueTask MessageHandler(MqttMessage message, CancellationToken cancellationToken);

/// <summary>Handles one received envelope whose <c>data</c> was deserialized to <typeparamref name="T"/>.</summary>
public delegate ValueTask EnvelopeHandler<T>(Envelope<T> envelope, CancellationToken cancellationToken);
