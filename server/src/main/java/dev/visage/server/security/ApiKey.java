package dev.visage.server.security;

/**
 * An API key as stored: never the key itself, only its SHA-256. Keys are 256 random bits, so a
 * fast hash is enough (there is nothing to guess from); a slow password hash would only slow every
 * call.
 *
 * @param id the public part of the key, shown in lists and logs
 * @param name what the key is for, chosen by whoever made it
 * @param sha256 the key's hash, hexadecimal
 * @param created when it was made, ISO-8601 UTC
 */
public record ApiKey(String id, String name, Role role, String sha256, String created) {}
