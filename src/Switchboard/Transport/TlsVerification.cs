using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard;

/// <summary>
/// Verifies the broker's certificate for one TLS handshake (system trust, or the CA file alone) and remembers why it
/// refused, so a failed handshake can say which of the usual causes it was — an untrusted chain (and which trust was
/// used), a name mismatch (the certificate's names against the host), an expired or not yet valid certificate —
/// instead of the platform's generic "the remote certificate is invalid".
/// </summary>
internal sealed class TlsVerification
{
    private readonly string _host;
    private readonly X509Certificate2Collection? _trust;
    private readonly string? _caFile;

    public TlsVerification(string host, string? caFile)
    {
        _host = host;
        _caFile = caFile;
        if (caFile is not null)
        {
            _trust = [];
            _trust.ImportFromPemFile(caFile);
        }
    }

    /// <summary>The broker asked for a client certificate during the handshake.</summary>
    public bool ClientCertificateRequested { get; set; }

    /// <summary>Why the last handshake's certificate was refused (null when it was not).</summary>
    public string? Refusal { get; private set; }

    public bool Validate(X509Certificate? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Refusal = "the broker sent no certificate";
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        var problems = new List<string>();
        var now = DateTime.Now;
        if (now > leaf.NotAfter)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its certificate expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"));
        }
        else if (now < leaf.NotBefore)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its certificate is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC (check this machine's clock)"));
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add($"its certificate is for {Names(leaf)}, not for '{_host}' (name mismatch: connect with a name the certificate has, or reissue it)");
        }

        var chainOk = _trust is null ? (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 : BuildWithCaFile(leaf, out _);
        if (!chainOk)
        {
            var detail = _trust is null ? Describe(systemChain) : Describe(leaf);
            var trust = _caFile is null ? "this machine's trusted CAs (no MQTT_TLS_CA_FILE set)" : $"the CA file '{_caFile}'";
            var validity = now > leaf.NotAfter || now < leaf.NotBefore;
            if (!validity || !string.IsNullOrEmpty(detail))
            {
                problems.Add($"its certificate (issued by '{leaf.Issuer}') is not trusted by {trust}{detail}");
            }
        }

        Refusal = problems.Count == 0 ? null : string.Join("; ", problems);
        return Refusal is null;
    }

    private bool BuildWithCaFile(X509Certificate2 leaf, out X509ChainStatusFlags status)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        // Private CAs rarely publish revocation lists, and an online check can hang on a closed network.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trust!);
        // Validity is reported on its own, with dates.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var ok = chain.Build(leaf);
        status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return ok;
    }

    private string Describe(X509Certificate2 leaf)
    {
        BuildWithCaFile(leaf, out var status);
        return Describe(status);
    }

    private static string Describe(X509Chain? chain) =>
        chain is null ? string.Empty : Describe(chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status));

    private static string Describe(X509ChainStatusFlags status)
    {
        status &= ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation);
        return status == X509ChainStatusFlags.NoError ? string.Empty : $" ({status})";
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(ip => ip.ToString()));
            }
        }

        if (names.Count == 0)
        {
            names.Add(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        }

        return string.Join(", ", names.Select(n => $"'{n}'"));
    }
}

/// <summary>A TLS stream that knows how its handshake went (for naming the cause when the broker hangs up right after).</summary>
internal sealed class VerifiedSslStream(Stream inner, TlsVerification? verification) : SslStream(inner, leaveInnerStreamOpen: false)
{
    public TlsVerification? Verification { get; } = verification;
}
