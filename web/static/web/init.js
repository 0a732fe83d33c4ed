// GOV.UK Frontend's components, once the browser has shown it runs modules. Every page works
// without this script; it only adds the enhancements (the mobile menu, the skip link's focus).
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
