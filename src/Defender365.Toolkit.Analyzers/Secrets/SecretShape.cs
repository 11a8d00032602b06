namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Whether a value looks made to be a secret rather than chosen as a name. Asked of the values whose only other
/// evidence is the name they are stored under (DEF3003), after <see cref="SecretValues.IsPlausibleSecret"/>.
/// </summary>
/// <remarks>
/// Measured on the labelled corpus (every secret found by its name alone) against the strings production libraries
/// keep under names with <c>Token</c>, <c>Key</c> or <c>Password</c> (the real-code run of the benchmarks). What the
/// secrets have and the names lack is any one of:
/// <list type="number">
/// <item>letters after digits inside one run of letters and digits (<c>Tr0ub4dor</c>, <c>7f6e5d4c</c>,
/// <c>AKIA4QZ7</c>, <c>51Habc</c>), other than the digits of a protocol's name or a version (<c>oauth2</c>,
/// <c>Sha256Hash</c>, <c>b2c</c>, <c>v2</c>) and a number's unit or ordinal (<c>100ms</c>, <c>2nd</c>); a name puts its
/// counter at the end of a word (<c>_ClientEncryptionMetadata1</c>, <c>someRT2</c>, <c>kv-pass-77</c>);</item>
/// <item>a symbol no identifier uses (<c>! @ # $ % ^ &amp; * ? ~ = + |</c>) beside two other kinds of character
/// (<c>Qwerty!234</c>, <c>pg-P@ss-2023</c>), not an OData name (<c>$skiptoken</c>);</item>
/// <item>eight or more digits in three or more groups beside letters (<c>Mk-0192-8374-6556</c>; dates are
/// <see cref="NonSecrets"/>);</item>
/// <item>twenty or more letters whose case changes every two or three characters in short lower-case runs (random
/// letters), not case humps (<c>JwtSecurityTokenUsedToCallWebAPI</c>).</item>
/// </list>
/// Human passwords without digits or symbols inside (<c>Summer2024</c>, <c>letmein</c>) are not found this way; a
/// credential API's parameter (DEF3001) still finds them.
/// </remarks>
internal static class SecretShape
{
    /// <summary>Whether <paramref name="value"/> (trimmed, no whitespace) has one of the shapes above.</summary>
    public static bool LooksGenerated(string value) =>
        HasDigitsBetweenLetters(value) || HasSymbolAmongOthers(value) || HasDigitGroups(value) || HasRandomLetterCase(value);

    // In one run of letters and digits, letters after digits: "Tr0ub4dor", "7f6e5d4c", "51Habc". A name's digits end
    // its words (a counter, a version) or belong to a digit-word; a number's letters are a unit or an ordinal.
    private static bool HasDigitsBetweenLetters(string v)
    {
        for (var i = 0; i < v.Length; i++)
        {
            if (!IsDigit(v[i]) || (i > 0 && IsDigit(v[i - 1])))
            {
                continue;
            }

            var digitsEnd = i;
            while (digitsEnd < v.Length && IsDigit(v[digitsEnd]))
            {
                digitsEnd++;
            }

            if (digitsEnd == v.Length || !IsLetter(v[digitsEnd]))
            {
                continue;
            }

            var afterLetter = i > 0 && IsLetter(v[i - 1]);
            if (afterLetter ? !NonSecrets.IsDigitWordAt(v, WordStart(v, i), digitsEnd) : !IsUnitOrOrdinal(v, digitsEnd))
            {
                return true;
            }
        }

        return false;
    }

    // Letters that may follow a number and end the run: 1st, 2nd, 30s, 100ms, 64bit, 2fa, 3des.
    private static readonly string[] NumberSuffixes = ["st", "nd", "rd", "th", "d", "h", "m", "s", "ms", "k", "kb", "mb", "gb", "x", "px", "fa", "des", "bit", "bits"];

    private static bool IsUnitOrOrdinal(string v, int start)
    {
        var end = start;
        while (end < v.Length && IsLetter(v[end]))
        {
            end++;
        }

        if (end < v.Length && IsDigit(v[end]))
        {
            return false;
        }

        foreach (var suffix in NumberSuffixes)
        {
            if (suffix.Length == end - start && string.Compare(v, start, suffix, 0, suffix.Length, System.StringComparison.OrdinalIgnoreCase) == 0)
            {
                return true;
            }
        }

        return false;
    }

    // The start of the word the digits at `digits` follow: back over lower-case letters and one capital (GetSha256 →
    // Sha256), or over capitals (SHA256).
    private static int WordStart(string v, int digits)
    {
        var start = digits - 1;
        if (v[start] is >= 'a' and <= 'z')
        {
            while (start > 0 && v[start - 1] is >= 'a' and <= 'z')
            {
                start--;
            }

            return start > 0 && v[start - 1] is >= 'A' and <= 'Z' ? start - 1 : start;
        }

        while (start > 0 && v[start - 1] is >= 'A' and <= 'Z')
        {
            start--;
        }

        return start;
    }

    private static bool HasSymbolAmongOthers(string v)
    {
        bool symbol = false, lower = false, upper = false, digit = false;
        foreach (var c in v)
        {
            switch (c)
            {
                case '!' or '@' or '#' or '$' or '%' or '^' or '&' or '*' or '?' or '~' or '=' or '+' or '|':
                    symbol = true;
                    break;
                case >= 'a' and <= 'z':
                    lower = true;
                    break;
                case >= 'A' and <= 'Z':
                    upper = true;
                    break;
                case >= '0' and <= '9':
                    digit = true;
                    break;
            }
        }

        return symbol && (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2;
    }

    private static bool HasDigitGroups(string v)
    {
        int groups = 0, digits = 0, letters = 0;
        for (var i = 0; i < v.Length; i++)
        {
            if (IsDigit(v[i]))
            {
                digits++;
                if (i == 0 || !IsDigit(v[i - 1]))
                {
                    groups++;
                }
            }
            else if (IsLetter(v[i]))
            {
                letters++;
            }
        }

        return groups >= 3 && digits >= 8 && letters > 0;
    }

    /// <summary>
    /// Twenty or more letters in a row whose case changes at least twice in five, in short lower-case runs (under 2.5
    /// on average): random letters. Case humps change as often but keep their words (<c>JwtSecurityTokenUsedToCall</c>).
    /// </summary>
    internal static bool HasRandomLetterCase(string v)
    {
        int run = 0, changes = 0, lower = 0, lowerRuns = 0;
        for (var i = 0; i <= v.Length; i++)
        {
            if (i < v.Length && IsLetter(v[i]))
            {
                var isLower = v[i] is >= 'a' and <= 'z';
                if (run > 0 && isLower == v[i - 1] is >= 'A' and <= 'Z')
                {
                    changes++;
                }

                if (isLower)
                {
                    lower++;
                    lowerRuns += run == 0 || v[i - 1] is >= 'A' and <= 'Z' ? 1 : 0;
                }

                run++;
                continue;
            }

            if (run >= 20 && changes * 5 >= run * 2 && lower * 2 < lowerRuns * 5)
            {
                return true;
            }

            run = changes = lower = lowerRuns = 0;
        }

        return false;
    }

    private static bool IsLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}
