/// Placeholder until the CSV reader lands.
enum LahdeFormatsModule {}
