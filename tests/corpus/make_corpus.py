"""Write the bad-input corpus (run from this folder: python make_corpus.py). The 50 MB file is made by the test itself."""

from pathlib import Path

H = "model_name,release_date,open_weights,benchmark,score\n"
OUT = Path(__file__).parent
FILES = {
    "empty.csv": b"",
    "header_only.csv": H.encode(),
    "binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
    "utf16.csv": (H + "Ünïcode A,2024-01-01,false,b,0.5\nB,2024-02-01,true,b,0.4\n").encode("utf-16"),
    "latin1.csv": (H + "Café A,2024-01-01,false,b,0.5\nB,2024-02-01,true,b,0.4\n").encode("latin-1"),
    "semicolon.csv": (H.replace(",", ";") + "A;2024-01-01;false;b;0.5\nB;2024-02-01;true;b;0.4\n").encode(),
    "bom.csv": ("\ufeff" + H + "A,2024-01-01,false,b,0.5\nB,2024-02-01,true,b,0.4\n").encode("utf-8"),
    "dates_five_formats.csv": (H + "A,2024-01-05,false,b,0.5\nB,2024/02/05,true,b,0.4\nC,\"Mar 5, 2024\",false,b,0.6\n"
                               "D,5 Apr 2024,true,b,0.45\nE,2024-05,false,b,0.7\n").encode(),
    "impossible_dates.csv": (H + "A,2024-01-05,false,b,0.5\nB,2024-02-30,true,b,0.4\nC,2024-13-01,false,b,0.6\n"
                             "D,31/12/2024,true,b,0.45\n").encode(),
    "percent_and_fraction.csv": (H + "A,2024-01-05,false,b,52%\nB,2024-02-05,true,b,0.41\n").encode(),
    "mixed_scales.csv": (H + "A,2024-01-05,false,b,52\nB,2024-02-05,true,b,0.41\nC,2024-03-05,false,b,0.6\n"
                         "D,2024-04-05,true,b,47\n").encode(),
    "bad_numbers.csv": (H + "A,2024-01-05,false,b,NaN\nB,2024-02-05,true,b,inf\nC,2024-03-05,false,b,-0.2\n"
                        "D,2024-04-05,true,b,1e300\nE,2024-05-05,false,b,0.7\nF,2024-06-05,true,b,0.5\n").encode(),
    "duplicates.csv": (H + "A,2024-01-05,false,b,0.5\nA,2024-01-05,false,b,0.55\nB,2024-02-05,true,b,0.4\n").encode(),
    "open_and_closed.csv": (H + "A,2024-01-05,false,b,0.5\nA,2024-01-05,true,c,0.5\nB,2024-02-05,true,b,0.4\n"
                            "C,2024-03-05,false,c,0.3\n").encode(),
    "one_sided_benchmarks.csv": (H + "A,2024-01-05,false,closed_only,0.5\nB,2024-02-05,false,closed_only,0.6\n"
                                 "C,2024-01-05,true,open_only,0.5\nD,2024-03-05,true,single,0.5\n"
                                 "E,2024-01-05,false,fine,0.5\nF,2024-02-05,true,fine,0.4\n").encode(),
    "formula_injection.csv": (H + "\"=cmd|' /C calc'!A0\",2024-01-05,false,b,0.5\n@SUM(A1),2024-02-05,true,b,0.4\n").encode(),
    "missing_column.csv": b"model,date,open,benchmark,score\nA,2024-01-05,false,b,0.5\n",
    "ragged.csv": (H + "A,2024-01-05,false,b,0.5,extra,cells\nB,2024-02-05\n").encode(),
    "future_date.csv": (H + "A,2999-01-05,false,b,0.5\nB,2024-02-05,true,b,0.4\n").encode(),
}


def many_benchmarks() -> bytes:
    rows = [H.strip()]
    for b in range(200):
        for m in range(5):
            rows.append(f"m{m},2024-0{m + 1}-01,{'true' if m % 2 else 'false'},bench_{b:03d},{0.1 * m + 0.001 * b:.4f}")
    return ("\n".join(rows) + "\n").encode()


if __name__ == "__main__":
    for name, data in {**FILES, "200_benchmarks.csv": many_benchmarks()}.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(FILES) + 1} files")
