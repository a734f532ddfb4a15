package dev.visage.server.gallery;

import java.util.List;

/**
 * One page of persons.
 *
 * @param nextPageToken pass it back for the next page; empty on the last page
 * @param totalSize how many persons match the filter across all pages
 */
public record PersonPage(List<PersonRecord> persons, String nextPageToken, int totalSize) {}
