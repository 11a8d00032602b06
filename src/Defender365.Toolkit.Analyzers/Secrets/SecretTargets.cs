using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Where a string value lands, which decides whether it is a secret: the variable, field, property, parameter,
/// configuration or dictionary key, tuple element, comparison or member that receives it, and how to say so in a
/// message. Syntax first; the semantic model is asked only for an argument (the called method's parameter).
/// </summary>
internal static class SecretTargets
{
    /// <summary>Where a value ends up: the name that decides whether it is a secret, and how to say it.</summary>
    public static SecretTarget? Find(SemanticModel model, ExpressionSyntax node, System.Threading.CancellationToken cancellationToken)
    {
        SyntaxNode current = node;
        var parent = node.Parent;
        var bytes = false;

        // { "--client-secret", "…" }, ["-p", "…"]: an argument list's value takes the name of the flag before it.
        if (FlagBefore(node) is { } flag)
        {
            return new SecretTarget(flag.TrimStart('-', '/'), $"given after '{flag}'");
        }

        // Through parentheses, casts, ?:, ??, switch arms and array initializers: `env ?? "fallback"` and
        // `Passwords = { "…" }` still put the literal in the target.
        while (true)
        {
            switch (parent)
            {
                case ParenthesizedExpressionSyntax or CastExpressionSyntax or SwitchExpressionArmSyntax or SwitchExpressionSyntax
                    or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax:
                case ConditionalExpressionSyntax conditional when conditional.Condition != current:
                case BinaryExpressionSyntax coalesce when coalesce.IsKind(SyntaxKind.CoalesceExpression) && coalesce.Right == current:
                case InitializerExpressionSyntax array when array.IsKind(SyntaxKind.ArrayInitializerExpression):
                    current = parent;
                    parent = parent.Parent;
                    continue;

                // Encoding.UTF8.GetBytes("…"), Convert.FromBase64String("…"): the bytes land where the call does.
                case ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetBytes" or "FromBase64String" } } conversion } }:
                    bytes = true;
                    current = conversion;
                    parent = conversion.Parent;
                    continue;
            }

            break;
        }

        switch (parent)
        {
            case ArgumentSyntax { Parent: TupleExpressionSyntax tuple } element:
                return TupleElementName(element, tuple) is { } elementName ? Assigned(elementName) : null;
            case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Equals" } equals } call } } equalsArgument:
                // apiKey.Equals("…"), string.Equals(provided, "…", …): a comparison, named by the other side.
                return ComparedInEquals(equals, call, equalsArgument) is { } equalled ? new SecretTarget(equalled, $"compared with '{equalled}'") : null;
            case ArgumentSyntax argument:
                return OfArgument(model, argument, cancellationToken);
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                return Assigned(declarator.Identifier.ValueText);
            case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                return Assigned(property.Identifier.ValueText);
            case EqualsValueClauseSyntax { Parent: ParameterSyntax parameter }:
                return new SecretTarget(parameter.Identifier.ValueText, $"default value of '{parameter.Identifier.ValueText}'");
            case AssignmentExpressionSyntax assignment when assignment.Right == current:
                // aes.Key = Convert.FromBase64String("…"): bytes given to a Key are an encryption key.
                if (NameOf(assignment.Left) is not { } assigned)
                {
                    return null;
                }

                // new NetworkCredential { Password = "…" }, options.ClientSecret = "…": may be a library's credential
                // property, asked of the semantic model only once the name says secret (WithLibraryProperty).
                var name = bytes && assigned == "Key" ? "EncryptionKey" : assigned;
                return new SecretTarget(name, $"assigned to '{name}'", AssignedMember: assignment.Left);
            case AnonymousObjectMemberDeclaratorSyntax { NameEquals: { } nameEquals }:
                return Assigned(nameEquals.Name.Identifier.ValueText);
            case ArrowExpressionClauseSyntax or ReturnStatementSyntax:
                return MemberName(parent) is { } member ? new SecretTarget(member, $"returned by '{member}'") : null;
            case BinaryExpressionSyntax comparison when comparison.IsKind(SyntaxKind.EqualsExpression) || comparison.IsKind(SyntaxKind.NotEqualsExpression):
                var other = comparison.Left == current ? comparison.Right : comparison.Left;
                return NameOf(other) is { } compared ? new SecretTarget(compared, $"compared with '{compared}'") : null;
            case InitializerExpressionSyntax pair when pair.IsKind(SyntaxKind.ComplexElementInitializerExpression)
                                                       && pair.Expressions.Count == 2 && pair.Expressions[1] == current
                                                       && pair.Expressions[0] is LiteralExpressionSyntax { Token.Value: string key }:
                // { "client_secret", "…" } in a collection initializer: the key names the value.
                return new SecretTarget(key, $"stored under '{key}'");
            default:
                return null;
        }

        static SecretTarget Assigned(string name) => new(name, $"assigned to '{name}'");
    }

    /// <summary>
    /// Whether <paramref name="node"/> is turned into HTTP Basic credentials:
    /// <c>Convert.ToBase64String(Encoding.UTF8.GetBytes("user:password"))</c>.
    /// </summary>
    public static bool IsEncodedAsBasicCredentials(ExpressionSyntax node) =>
        node.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetBytes" } } getBytes } }
        && getBytes.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToBase64String" } } } };

    // x.Equals("…"[, comparison]) is named by x; string.Equals(a, b[, comparison]) by the other of a and b.
    private static string? ComparedInEquals(MemberAccessExpressionSyntax equals, InvocationExpressionSyntax call, ArgumentSyntax compared)
    {
        var arguments = call.ArgumentList.Arguments;
        var index = arguments.IndexOf(compared);
        if (equals.Expression is PredefinedTypeSyntax or IdentifierNameSyntax { Identifier.ValueText: "String" or "Object" })
        {
            return index is 0 or 1 && arguments.Count >= 2 ? NameOf(arguments[1 - index].Expression) : null;
        }

        return index == 0 ? NameOf(equals.Expression) : null;
    }

    // The command-line flag right before a value in an array, collection initializer or collection expression.
    private static string? FlagBefore(ExpressionSyntax node)
    {
        ExpressionSyntax? previous = null;
        switch (node.Parent)
        {
            case InitializerExpressionSyntax list when list.IsKind(SyntaxKind.ArrayInitializerExpression) || list.IsKind(SyntaxKind.CollectionInitializerExpression):
                var index = list.Expressions.IndexOf(node);
                previous = index > 0 ? list.Expressions[index - 1] : null;
                break;
            case ExpressionElementSyntax { Parent: CollectionExpressionSyntax collection } element:
                var at = collection.Elements.IndexOf(element);
                previous = at > 0 && collection.Elements[at - 1] is ExpressionElementSyntax before ? before.Expression : null;
                break;
        }

        return previous is LiteralExpressionSyntax { Token.Value: string flag } && flag.Length > 2
               && (flag[0] == '-' || (flag[0] == '/' && flag.IndexOf('/', 1) < 0)) && flag.IndexOf(' ') < 0
            ? flag
            : null;
    }

    // The name a tuple element lands in, from syntax alone: (clientSecret: "…"), var (user, password) = (…, "…"),
    // (user, password) = (…), (string Id, string Secret) pair = (…).
    private static string? TupleElementName(ArgumentSyntax element, TupleExpressionSyntax tuple)
    {
        if (element.NameColon is { } named)
        {
            return named.Name.Identifier.ValueText;
        }

        var index = tuple.Arguments.IndexOf(element);
        switch (tuple.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Right == tuple:
                return assignment.Left switch
                {
                    TupleExpressionSyntax targets when index < targets.Arguments.Count => targets.Arguments[index].Expression switch
                    {
                        DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax declared } => declared.Identifier.ValueText,
                        var existing => NameOf(existing),
                    },
                    DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax variables } when index < variables.Variables.Count
                        => (variables.Variables[index] as SingleVariableDesignationSyntax)?.Identifier.ValueText,
                    _ => null,
                };
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: TupleTypeSyntax type } } }
                when index < type.Elements.Count && type.Elements[index].Identifier.ValueText is { Length: > 0 } elementName:
                return elementName;
            default:
                return null;
        }
    }

    public static SecretTarget? OfArgument(SemanticModel model, ArgumentSyntax argument, System.Threading.CancellationToken cancellationToken)
    {
        if (argument.Parent is not BaseArgumentListSyntax list || list.Parent is not { } call)
        {
            return null;
        }

        // One semantic query per argument: the called method gives both the pair shape and the parameter name.
        if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
        {
            return null;
        }

        var index = list.Arguments.IndexOf(argument);

        // Add("client_secret", …), new KeyValuePair<,>("Password", …), headers.Add("X-Api-Key", …),
        // SetEnvironmentVariable("CLIENT_SECRET", …): a literal first argument names the second.
        if (index == 1 && list.Arguments.Count == 2 && argument.NameColon is null
            && method.Parameters.Length == 2 && method.Parameters[1].Name == "value"
            && list.Arguments[0].Expression is LiteralExpressionSyntax { Token.Value: string key })
        {
            return new SecretTarget(key, $"stored under '{key}'");
        }

        IParameterSymbol? parameter = null;
        if (argument.NameColon is { } nameColon)
        {
            foreach (var candidate in method.Parameters)
            {
                if (candidate.Name == nameColon.Name.Identifier.ValueText)
                {
                    parameter = candidate;
                }
            }
        }
        else if (method.Parameters.Length > 0)
        {
            parameter = method.Parameters[System.Math.Min(index, method.Parameters.Length - 1)];
        }

        if (parameter is null)
        {
            return null;
        }

        var callee = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        return new SecretTarget(KeyOfCredentialType(method, parameter) ?? parameter.Name, $"passed as '{parameter.Name}' to '{callee}'", IsCredentialApi(method));
    }

    /// <summary>
    /// The target, as a library's credential property when it is one (<c>NetworkCredential.Password</c>,
    /// <c>SymmetricAlgorithm.Key</c>): one semantic query, made only for targets whose name already says secret.
    /// </summary>
    public static SecretTarget WithLibraryProperty(SemanticModel model, SecretTarget target, System.Threading.CancellationToken cancellationToken) =>
        target.AssignedMember is IdentifierNameSyntax or MemberAccessExpressionSyntax or MemberBindingExpressionSyntax
        && model.GetSymbolInfo(target.AssignedMember, cancellationToken).Symbol is IPropertySymbol { IsIndexer: false } property
        && IsCredentialApi(property)
            ? target with { Description = $"assigned to '{property.ContainingType.Name}.{property.Name}'", IsCredentialApi = true }
            : target;

    // Namespaces of credential libraries, for projects that build one from source (or declare its shapes, as tests do).
    private static readonly string[] CredentialNamespaces =
    [
        "Microsoft.Identity.Client", "Microsoft.IdentityModel", "Azure", "System.Net", "System.Data", "Microsoft.Data",
        "Defender365.Toolkit",
    ];

    /// <summary>
    /// A library's member: declared in a referenced assembly, or in the namespace of a known credential library.
    /// Its parameter or property being called a secret is the library's contract, not a name chosen in this project.
    /// </summary>
    private static bool IsCredentialApi(ISymbol member)
    {
        if (member.DeclaringSyntaxReferences.IsEmpty)
        {
            return true;
        }

        var ns = member.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        foreach (var root in CredentialNamespaces)
        {
            if (ns.StartsWith(root, System.StringComparison.Ordinal) && (ns.Length == root.Length || ns[root.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        // apiKey!, (apiKey): the same name.
        PostfixUnaryExpressionSyntax suppressed when suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression) => NameOf(suppressed.Operand),
        ParenthesizedExpressionSyntax parenthesized => NameOf(parenthesized.Expression),
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,

        // config["Defender:ClientSecret"] = …, ["client_secret"] = … in an object initializer: the key is the name.
        ElementAccessExpressionSyntax { ArgumentList.Arguments: [{ Expression: LiteralExpressionSyntax { Token.Value: string key } }] } => key,
        ImplicitElementAccessSyntax { ArgumentList.Arguments: [{ Expression: LiteralExpressionSyntax { Token.Value: string key } }] } => key,
        _ => null,
    };

    private static string? MemberName(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case PropertyDeclarationSyntax property:
                    return property.Identifier.ValueText;
                case MethodDeclarationSyntax method:
                    return method.Identifier.ValueText;
                case LocalFunctionStatementSyntax local:
                    return local.Identifier.ValueText;
                case AnonymousFunctionExpressionSyntax or TypeDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    // Types whose argument is a key whatever its parameter is called ("key", "signature"): the name it stands for.
    private static string? KeyOfCredentialType(IMethodSymbol method, IParameterSymbol parameter) =>
        method.MethodKind != MethodKind.Constructor ? null : (method.ContainingType.Name, parameter.Name) switch
        {
            ("AzureKeyCredential", "key") => "ApiKey",
            ("AzureNamedKeyCredential", "key") => "AccountKey",
            ("AzureSasCredential", "signature") => "SasToken",
            ("SymmetricSecurityKey", "key") => "SigningKey",
            _ => null,
        };
}

/// <summary>The name a value lands in, and how the message says where (<c>passed as 'clientSecret' to 'WithClientSecret'</c>).</summary>
/// <param name="Name">The name that decides whether the value is a secret.</param>
/// <param name="Description">Where the value lands, for the message.</param>
/// <param name="IsCredentialApi">
/// The name is a library's parameter or property (<c>WithClientSecret(clientSecret)</c>, <c>NetworkCredential.Password</c>):
/// evidence from the library's contract, reported as DEF3001. Otherwise the name was chosen in the project (DEF3003).
/// </param>
/// <param name="AssignedMember">The member a value is assigned to, when it may be a library's property (see <see cref="SecretTargets.WithLibraryProperty"/>).</param>
internal sealed record SecretTarget(string Name, string Description, bool IsCredentialApi = false, ExpressionSyntax? AssignedMember = null);
