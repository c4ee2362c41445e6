"""What a council's record (会議録) needs beyond a transcript: its proceedings recognised from
the chair's formulae (`proceedings`), numbers as a 会議録 writes them (`numerals`)."""
