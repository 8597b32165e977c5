namespace Secrets.Client.Testing;

/// <summary>
/// Decides who a request to an emulator comes from: maps the credential it carried to a principal, or refuses it by
/// returning <see langword="null"/> (the emulator then answers as the service does: 401 challenge, 403, or AWS's
/// <c>UnrecognizedClientException</c>). Set it on the emulator's options to accept credentials issued elsewhere, for
/// example by an identity emulator; unset, each emulator accepts exactly its own test credential.
/// </summary>
/// <param name="credential">The credential the request carried.</param>
/// <returns>The principal, or <see langword="null"/> to refuse the request.</returns>
public delegate EmulatorPrincipal? EmulatorAuthenticator(EmulatorCredential credential);
