"""A small SSDA903 return for the data-page and data-job tests: child 1001 imports cleanly, child
1003 has a placement code that does not exist (ZZ), so all of its rows are refused."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

YEAR = 2025

RETURN = {
    "header.csv": """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
1001,F,15/06/2012,WBRI,A123456789012,0,
1003,M,02/03/2010,AOTH,UN2,,
""",
    "episodes.csv": """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
1001,01/02/2023,S,C2,N1,U4,PR1,01/10/2024,X1,CARPL,TW1 1AA,TW1 1AF,SC900003
1001,01/10/2024,P,C2,N1,U6,PR4,,,,TW1 1AA,TW2 6JR,SC900004
1003,01/07/2024,S,V2,N8,ZZ,PR4,01/12/2024,E4A,,,TW1 4BW,SC900001
""",
    "reviews.csv": """CHILD,DOB,REVIEW,REVIEW_CODE
1001,15/06/2012,10/05/2024,PN1
""",
}


def csv_uploads(tables: dict[str, str] | None = None) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, text.encode(), content_type="text/csv")
            for name, text in (tables or RETURN).items()]


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_upload(members: dict[str, str | bytes] | None = None,
               name: str = "return.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, zip_bytes(members or RETURN),
                              content_type="application/zip")
