using System.Collections.Generic;
using System.Text;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// The configuration key a secret should be read from, one convention for the DEF3001 fix, the hosting docs and the
/// tool: .NET configuration keys (<c>Defender:ClientSecret</c>), so user-secrets, environment variables
/// (<c>Defender__ClientSecret</c>) and key vault providers all reach it. A client secret by any spelling is the hosted
/// app's <c>Defender:ClientSecret</c>; any other name becomes its PascalCase key (<c>apiKey</c> → <c>ApiKey</c>), and a
/// key with its own section keeps it (<c>Smtp:ClientSecret</c>).
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>The key <c>AddDefenderClient</c> and the <c>defender365</c> tool read the app's client secret from.</summary>
    public const string ClientSecret = "Defender:ClientSecret";

    /// <summary>The key for a secret held by a target named <paramref name="name"/> (a variable, parameter or configuration key).</summary>
    public static string For(string name)
    {
        var segments = new List<string>();
        foreach (var segment in name.Split(':'))
        {
            var pascal = Pascal(segment);
            if (pascal.Length > 0)
            {
                segments.Add(pascal);
            }
        }

        if (segments.Count == 0 || char.IsDigit(segments[0][0]))
        {
            return "AppSecret";
        }

        // A bare name (clientSecret, CLIENT_SECRET, defenderClientSecret) is the app's client secret; a key with a section
        // of its own (Smtp:ClientSecret) belongs to that section and keeps it.
        var key = string.Join(":", segments);
        return segments.Count == 1 && key.EndsWith("ClientSecret", System.StringComparison.Ordinal) ? ClientSecret : key;
    }

    /// <summary>The environment variable of a key: <c>__</c> for each <c>:</c>, as .NET configuration reads it on every platform.</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__");

    // client_secret, CLIENT_SECRET, clientSecret, client-secret, Defender.ClientSecret → ClientSecret / DefenderClientSecret.
    private static string Pascal(string text)
    {
        var builder = new StringBuilder(text.Length);
        var startOfWord = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!SecretFormats.IsAsciiLetterOrDigit(c))
            {
                startOfWord = true;
                continue;
            }

            // A lower-to-upper step starts a word (clientSecret); within an all-caps word (CLIENT) the rest is lowered.
            if (i > 0 && char.IsUpper(c) && (char.IsLower(text[i - 1]) || char.IsDigit(text[i - 1])))
            {
                startOfWord = true;
            }

            builder.Append(startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            startOfWord = false;
        }

        return builder.ToString();
    }
}
