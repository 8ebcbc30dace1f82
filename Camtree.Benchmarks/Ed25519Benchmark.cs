using System.Diagnostics;
using System.Globalization;
using Camtree.Protocol.Signatures.Ed25519;

namespace Camtree.Benchmarks;

/// <summary>
/// The Ed25519 implementations behind <see cref="IEd25519"/> side by side (issue 10, ADR 0002): signatures and
/// verifications per second on one core and on every core, over the same 256-byte message (a proof's hashes are
/// 64 bytes; a body's digest comes first), interleaved in rounds so that noise falls on both alike.
/// </summary>
public static class Ed25519Benchmark
{
    public const string Command = "ed25519";

    public static int Run(string[] args)
    {
        var seconds = args is ["--seconds", var s] ? double.Parse(s, CultureInfo.InvariantCulture) : 2;
        var implementations = new (string Name, IEd25519 Ed25519)[] { ("BouncyCastle (C#)", BouncyCastleEd25519.Instance), ("NSec (libsodium)", NSecEd25519.Instance) };
        var message = new byte[256];
        Random.Shared.NextBytes(message);
        var results = implementations.ToDictionary(i => i.Name, _ => new List<(double Sign1, double Verify1, double VerifyAll)>());
        foreach (var (_, ed25519) in implementations) Rate(ed25519, message, verify: true, 1, TimeSpan.FromSeconds(0.5)); // JIT and native load
        for (var round = 0; round < 3; round++)
            foreach (var (name, ed25519) in implementations)
                results[name].Add((Rate(ed25519, message, verify: false, 1, TimeSpan.FromSeconds(seconds)),
                    Rate(ed25519, message, verify: true, 1, TimeSpan.FromSeconds(seconds)),
                    Rate(ed25519, message, verify: true, Machine.Cores, TimeSpan.FromSeconds(seconds))));

        Console.WriteLine($"== Ed25519 per second (best of 3 rounds of {seconds} s), {Machine.Cores} cores, {Machine.CpuModel()} ==");
        Console.WriteLine($"{"implementation",-20}{"sign, 1 core",14}{"verify, 1 core",16}{"verify, all cores",19}");
        foreach (var (name, _) in implementations)
        {
            var r = results[name];
            Console.WriteLine($"{name,-20}{r.Max(x => x.Sign1),14:N0}{r.Max(x => x.Verify1),16:N0}{r.Max(x => x.VerifyAll),19:N0}");
        }
        var (b, n) = (results[implementations[0].Name], results[implementations[1].Name]);
        Console.WriteLine($"NSec / BouncyCastle: sign {n.Max(x => x.Sign1) / b.Max(x => x.Sign1):N1}×, verify {n.Max(x => x.Verify1) / b.Max(x => x.Verify1):N1}×, " +
                          $"verify on all cores {n.Max(x => x.VerifyAll) / b.Max(x => x.VerifyAll):N1}×");
        return 0;
    }

    private static double Rate(IEd25519 ed25519, byte[] message, bool verify, int threads, TimeSpan duration)
    {
        var pair = ed25519.GenerateKeyPair();
        var signature = ed25519.Sign(pair.PrivateSeed, message);
        long total = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            long count = 0;
            while (clock.Elapsed < duration)
            {
                if (verify) { if (!ed25519.Verify(pair.PublicKey, message, signature)) throw new InvalidOperationException("a valid signature did not verify"); }
                else ed25519.Sign(pair.PrivateSeed, message);
                count++;
            }
            Interlocked.Add(ref total, count);
        });
        return total / clock.Elapsed.TotalSeconds;
    }
}
