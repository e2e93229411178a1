"""Areas: the public "crime in your area" page and its JSON, and areas for staff."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.areas import service
from citysafe.areas.schemas import (
    AreaCrimesRead,
    AreaFeature,
    AreaKind,
    AreaRead,
    AreaRefRead,
    ImportRead,
    PublicKind,
    area_read,
)
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.charts import month_chart, month_label
from citysafe.web.deps import commit_audited, get_session
from citysafe.web.render import render
from citysafe.web.uploads import public_message, saved_upload

router = APIRouter()
DbSession = Annotated[Session, Depends(get_session)]
MAX_UPLOAD = 50 * 1024 * 1024


def _ref(session: Session, kind: str, code: str) -> service.AreaRef:
    found = service.find_area(session, kind, code)
    if found is None:
        raise HTTPException(404, f"there is no {kind} with code {code!r}")
    return found


def _crimes(session: Session, ref: service.AreaRef, months: int) -> AreaCrimesRead:
    return AreaCrimesRead(
        area=AreaRefRead(**vars(ref)),
        method=service.counting_method(session, ref),
        crimes=service.area_crimes(session, ref, months=months),
    )


@router.get("/api/public/areas", response_model=list[AreaRefRead], tags=["public"])
@allow(public=True)
def public_areas(
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100, description="part of a name or code")] = None,
    kind: PublicKind | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 50,
) -> list[AreaRefRead]:
    """Wards and LSOAs whose name or code holds ``q`` (any case); all of them without ``q``."""
    kinds = (kind,) if kind else service.PUBLIC_KINDS
    return [
        AreaRefRead(**vars(r)) for r in service.find_areas(session, q, kinds=kinds, limit=limit)
    ]


@router.get(
    "/api/public/areas/{kind}/{code}/crimes", response_model=AreaCrimesRead, tags=["public"]
)
@allow(public=True)
def public_area_crimes(session: DbSession, kind: PublicKind, code: str) -> AreaCrimesRead:
    """Police-recorded crime in a ward or LSOA by month and type over the latest 12 months.

    police.uk figures are public, so no count is suppressed; months missing from
    the data are ``null``.
    """
    return _crimes(session, _ref(session, kind, code[:64]), 12)


@router.get("/area", include_in_schema=False)
@allow(public=True)
def area_picked(area: Annotated[str, Query(max_length=80)] = ""):
    """The picker's select sends "kind:code"; answer with the area's own address."""
    kind, _, code = area.partition(":")
    if kind not in service.PUBLIC_KINDS or not code:
        return RedirectResponse("/", status_code=303)
    return RedirectResponse(f"/area/{kind}/{code}", status_code=303)


@router.get("/area/{kind}/{code}", include_in_schema=False)
@allow(public=True)
def area_page(request: Request, session: DbSession, kind: str, code: str):
    if kind not in service.PUBLIC_KINDS:
        raise HTTPException(404, f"there is no area page for a {kind}")
    found = _crimes(session, _ref(session, kind, code[:64]), 12)
    return render(
        request,
        "areas/area.html",
        {
            "found": found,
            "crimes": found.crimes,
            "chart": month_chart(found.crimes.by_month, width=360, height=200),  # phone-sized
            "month_label": month_label,
        },
    )


@router.get("/api/areas", response_model=list[AreaRead], tags=["areas"])
@allow(*ANY_STAFF)
def list_areas(session: DbSession, kind: AreaKind | None = None) -> list[AreaRead]:
    """Imported areas (without geometry), by kind then name."""
    return [area_read(a) for a in service.areas(session, kind=kind)]


@router.get("/api/areas/{kind}/{code}", response_model=AreaFeature, tags=["areas"])
@allow(*ANY_STAFF)
def area_feature(session: DbSession, kind: AreaKind, code: str) -> AreaFeature:
    """An imported area as a GeoJSON Feature in WGS84."""
    found = service.area(session, kind, code)
    if found is None:
        raise HTTPException(404, f"there is no {kind} with code {code[:64]!r}")
    return AreaFeature(**service.area_feature(found))


@router.get("/api/areas/{kind}/{code}/crimes", response_model=AreaCrimesRead, tags=["areas"])
@allow(*ANY_STAFF)
def area_crimes(
    session: DbSession,
    kind: AreaKind,
    code: str,
    months: Annotated[int, Query(ge=1, le=120)] = 12,
) -> AreaCrimesRead:
    """Crime in any area by month and type over the latest ``months`` months of data."""
    return _crimes(session, _ref(session, kind, code[:64]), months)


@router.post("/api/areas/import", response_model=ImportRead, tags=["areas"])
@allow(Role.ADMIN, Role.ANALYST)
def import_areas(
    request: Request,
    session: DbSession,
    file: Annotated[UploadFile, File(description="a .geojson file, or a .zip of a shapefile")],
    kind: Annotated[AreaKind, Form()],
    code_field: Annotated[str | None, Form(max_length=64)] = None,
    name_field: Annotated[str | None, Form(max_length=64)] = None,
) -> ImportRead:
    """Import a boundary file (as ``citysafe areas import``); importing again updates."""
    with saved_upload(file, default_name="upload", suffixes=(), limit=MAX_UPLOAD) as saved:
        name = saved.name
        path = _shapefile(saved) if saved.suffix.lower() == ".zip" else saved
        try:
            report = service.import_boundaries(
                session, path, kind=kind, code_field=code_field, name_field=name_field
            )
        except service.BoundaryError as error:
            raise HTTPException(422, public_message(error, path)) from None
    commit_audited(
        request,
        session,
        action="import",
        record_type="areas",
        record_id=f"{kind}:{name}"[:100],
        detail={"read": report.read, "created": report.created, "updated": report.updated},
    )
    return ImportRead(**{**report.as_dict(), "path": name})


def _shapefile(target: Path) -> Path:
    """The one .shp inside an uploaded zip (with its .dbf, .shx, .prj), unpacked beside it."""
    folder, name = target.parent, target.name
    try:
        with zipfile.ZipFile(target) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > 4 * MAX_UPLOAD:
                raise HTTPException(413, f"{name}: unpacks to more than {MAX_UPLOAD >> 18} MB")
            for member in members:
                (folder / "unzipped").mkdir(exist_ok=True)
                (folder / "unzipped" / Path(member.filename).name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise HTTPException(422, f"{name}: not a zip file") from None
    shapes = sorted((folder / "unzipped").glob("*.shp")) if (folder / "unzipped").exists() else []
    if len(shapes) != 1:
        raise HTTPException(422, f"{name}: holds {len(shapes)} .shp files; send one shapefile")
    return shapes[0]
