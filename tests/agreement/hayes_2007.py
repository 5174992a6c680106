"""Hayes & Krippendorff (2007) Table 1: 5 observers x 40 news articles, ordinal tone 0-3 (None:
not coded), as DKPro Agreement's HayesKrippendorff2007Test and the R package krippendorff
(data-raw/hayes2007table1.csv) transcribe it. Units are rows, observers columns."""

N = None
HAYES_2007 = [
    (1, 1, 2, N, 2), (1, 1, 0, 1, N), (2, 3, 3, 3, N), (N, 0, 0, N, 0), (0, 0, 0, N, 0),
    (0, 0, 0, N, 0), (1, 0, 2, N, 1), (1, N, 2, 0, N), (2, 2, 2, N, 2), (2, 1, 1, 1, N),
    (N, 1, 0, 0, N), (0, 0, 0, 0, N), (1, 2, 2, 2, N), (3, 3, 2, 2, 3), (1, 1, 1, N, 1),
    (1, 1, 1, N, 1), (2, 1, 2, N, 2), (1, 2, 3, 3, N), (1, 1, 0, 1, N), (0, 0, 0, N, 0),
    (0, 0, 1, 1, N), (0, 0, N, 0, 0), (2, 3, 3, 3, N), (0, 0, 0, 0, N), (1, 2, N, 2, 2),
    (0, 1, 1, 1, N), (0, 0, 0, 1, 0), (1, 2, 1, 2, N), (1, 1, 2, 2, N), (1, 1, 2, N, 2),
    (1, 1, 0, N, 0), (2, 1, 2, 1, N), (2, 2, N, 2, 2), (3, 2, 2, 2, N), (2, 2, 2, N, 2),
    (2, 2, 3, N, 2), (2, 2, 2, N, 2), (2, 2, N, 1, 2), (2, 2, 2, 2, N), (1, 1, 1, N, 1),
]
