using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// A throw-away certificate authority and a server certificate it signed, made at test time with
/// <see cref="CertificateRequest"/>, for the TLS listeners of the test brokers.
/// </summary>
/// <remarks>
/// Every distinct set of server names is generated once per process (RSA key generation is not free) and cached;
/// <see cref="WritePem"/> writes the PEM files into a broker's own directory.
/// </remarks>
public sealed class TestCertificates
{
    /// <summary>The names the default server certificate is valid for: <c>localhost</c> and <c>127.0.0.1</c>.</summary>
    public static IReadOnlyList<string> DefaultServerNames { get; } = ["localhost", "127.0.0.1"];

    static readonly ConcurrentDictionary<string, Lazy<TestCertificates>> Cache = new(StringComparer.Ordinal);

    TestCertificates(string caPem, string serverPem, string serverKeyPem, byte[] serverPfx, IReadOnlyList<string> names)
    {
        CaPem = caPem;
        ServerCertificatePem = serverPem;
        ServerKeyPem = serverKeyPem;
        ServerPfx = serverPfx;
        ServerNames = names;
    }

    /// <summary>The CA certificate (PEM): the only trust anchor a client needs.</summary>
    public string CaPem { get; }

    /// <summary>The server certificate (PEM), signed by the CA.</summary>
    public string ServerCertificatePem { get; }

    /// <summary>The server's private key (PKCS#8 PEM).</summary>
    public string ServerKeyPem { get; }

    /// <summary>The names (DNS names and IP addresses) in the server certificate's subject alternative names.</summary>
    public IReadOnlyList<string> ServerNames { get; }

    byte[] ServerPfx { get; }

    /// <summary>The certificates for <paramref name="serverNames"/> (default <see cref="DefaultServerNames"/>), made once per process.</summary>
    /// <param name="serverNames">DNS names or IP addresses the server certificate is valid for; at least one.</param>
    public static TestCertificates For(IReadOnlyList<string>? serverNames = null)
    {
        var names = serverNames ?? DefaultServerNames;
        if (names.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one name.", nameof(serverNames));
        }

        return Cache.GetOrAdd(string.Join('\n', names), _ => new Lazy<TestCertificates>(() => Create(names))).Value;
    }

    /// <summary>The server certificate with its private key, for an in-process TLS server (a new instance per call).</summary>
    public X509Certificate2 LoadServerCertificate() => X509CertificateLoader.LoadPkcs12(ServerPfx, password: null);

    /// <summary>Writes <c>ca.pem</c>, <c>server.pem</c> and <c>server.key</c> into <paramref name="directory"/>.</summary>
    /// <returns>The paths of the three files.</returns>
    public TlsFiles WritePem(string directory)
    {
        var files = new TlsFiles(Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"));
        File.WriteAllText(files.CaFile, CaPem);
        File.WriteAllText(files.CertificateFile, ServerCertificatePem);
        File.WriteAllText(files.KeyFile, ServerKeyPem);
        return files;
    }

    static TestCertificates Create(IReadOnlyList<string> names)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Switchboard Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest($"CN={names[0]}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        serverRequest.CertificateExtensions.Add(alternativeNames.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));
        using var serverWithKey = server.CopyWithPrivateKey(serverKey);

        return new TestCertificates(
            ca.ExportCertificatePem(),
            server.ExportCertificatePem(),
            serverKey.ExportPkcs8PrivateKeyPem(),
            serverWithKey.Export(X509ContentType.Pkcs12),
            [.. names]);
    }
}

/// <summary>The PEM files of a broker's TLS listener.</summary>
/// <param name="CaFile">The CA certificate: what a client passes as its CA file.</param>
/// <param name="CertificateFile">The server certificate.</param>
/// <param name="KeyFile">The server's private key.</param>
public sealed record TlsFiles(string CaFile, string CertificateFile, string KeyFile);
