namespace Camtree.Protocol.Signatures.Multikeys;

/// <summary>
/// The Bitcoin base58 alphabet, and its multibase form with the <c>z</c> prefix
/// (<see href="https://datatracker.ietf.org/doc/html/draft-multiformats-multibase-08">multibase</see>), in which
/// FEP-521a keys (<c>publicKeyMultibase</c>) and FEP-8b32 signatures (<c>proofValue</c>) travel.
/// </summary>
public static class Base58Btc
{
    /// <summary>The multibase prefix of base58btc.</summary>
    public const char MultibasePrefix = 'z';

    /// <summary>
    /// The longest text decoded. Base58 decoding is quadratic in the length, and what we decode (keys, signatures)
    /// is under 100 characters; a longer value from another server is refused rather than worked through.
    /// </summary>
    public const int MaxEncodedLength = 512;

    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        // Each leading zero byte is a leading '1'; the rest is the big-endian number written in base 58.
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0) zeros++;

        var digits = new byte[(data.Length - zeros) * 138 / 100 + 1]; // log(256)/log(58) ≈ 1.37, little-endian
        var used = 0;
        foreach (var b in data[zeros..])
        {
            var carry = (int)b;
            for (var i = 0; i < used; i++)
            {
                carry += digits[i] << 8;
                digits[i] = (byte)(carry % 58);
                carry /= 58;
            }
            while (carry > 0)
            {
                digits[used++] = (byte)(carry % 58);
                carry /= 58;
            }
        }

        var text = new char[zeros + used];
        text.AsSpan(0, zeros).Fill('1');
        for (var i = 0; i < used; i++) text[zeros + i] = Alphabet[digits[used - 1 - i]];
        return new string(text);
    }

    /// <summary>Decodes base58 text; false for an empty or over-long string or a character outside the alphabet.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.IsEmpty || text.Length > MaxEncodedLength) return false;

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1') zeros++;

        var bytes = new byte[(text.Length - zeros) * 733 / 1000 + 1]; // log(58)/log(256) ≈ 0.733, little-endian
        var used = 0;
        foreach (var c in text[zeros..])
        {
            var carry = Alphabet.IndexOf(c);
            if (carry < 0) return false;
            for (var i = 0; i < used; i++)
            {
                carry += bytes[i] * 58;
                bytes[i] = (byte)carry;
                carry >>= 8;
            }
            while (carry > 0)
            {
                bytes[used++] = (byte)carry;
                carry >>= 8;
            }
        }

        data = new byte[zeros + used];
        for (var i = 0; i < used; i++) data[zeros + i] = bytes[used - 1 - i];
        return true;
    }

    /// <summary>The multibase form: <c>z</c> followed by the base58btc text.</summary>
    public static string EncodeMultibase(ReadOnlySpan<byte> data) => MultibasePrefix + Encode(data);

    /// <summary>Decodes a multibase value; false unless it starts with <c>z</c> and the rest is valid base58btc.</summary>
    public static bool TryDecodeMultibase(string? text, out byte[] data)
    {
        data = [];
        return text is { Length: > 1 } && text[0] == MultibasePrefix && TryDecode(text.AsSpan(1), out data);
    }
}
