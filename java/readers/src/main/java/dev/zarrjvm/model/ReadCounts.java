package dev.zarrjvm.model;

/**
 * What a source has read since it was opened: chunk lookups on its grid ({@code chunks}, each decoded once per read
 * that needs it), how many of them were absent from the store and read as the fill value ({@code absent}), and boxes
 * the reader read whole by itself without going through zarrjvm's chunk grid ({@code boxes}: netCDF-Java).
 */
public record ReadCounts(long chunks, long absent, long boxes) {}
