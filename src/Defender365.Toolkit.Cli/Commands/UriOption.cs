using System.CommandLine;

namespace Defender365.Toolkit.Cli.Commands;

/// <summary>An option whose value is an absolute URI (System.CommandLine does not convert <see cref="Uri"/> itself).</summary>
internal static class UriOption
{
    public static Option<Uri?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                return uri;
            }

            result.AddError($"{name}: '{text}' is not an absolute URL.");
            return null;
        },
    };
}
