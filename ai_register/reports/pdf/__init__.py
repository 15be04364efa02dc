"""The printed reports, with reportlab platypus: a title page with contents, numbered sections,
tables that break across pages with their header row repeated, and on every page a footer with the
page number, who generated it and when, the rule-set hash and the chain head.

Bounded memory: the story is produced lazily (`LazyStory`), so audit events are read from the
database batch by batch and turned into table chunks just before they are laid out; a laid-out
flowable is dropped. The document is laid out once: the page numbers in the contents and the total
in "page n of m" are PDF form XObjects that every page refers to and that are written at the end,
when the numbers are known (a form may be defined after its use).

One module per job; import a name from the module that owns it (this package re-exports nothing):

  document       the frame: embedded fonts, colours, the page template and its footer, the lazy story,
                 the page numbers written at the end (`build_pdf`, `Footer`, `FontMissing`)
  blocks         styles, paragraphs, tables with a repeated header, field/value pairs, headings (`Blocks`)
  codes          codes as labels in the report's language (the web's one mapping)
  goal_chart     a goal's chart and the benefit calculation in words
  sections       the traceability report's record sections (identity … reviews)
  audit_section  the audit-trail section: verification, checkpoint, the events table in chunks
  traceability   the traceability report: title page, contents, the sections in order
                 (`render_solution_report`); the deployer-duty sections are `reports/deployer_sections.py`
  portfolio      the portfolio report (`render_portfolio`)

DejaVu Sans is embedded so that å, ä and ö print in any viewer.
"""
