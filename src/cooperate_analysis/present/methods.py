"""The "Data and methods" / "Dati e metodi" section of every report.

`section(kind, lang, meta, ...)` returns the section as HTML for kind "district", "cross-district"
or "speccurve": the COOPERATE project and how it surveyed firms (only what the sources in
present/references.json say, and what they leave unknown), the questionnaire of this compendium
(counted from the codebook), the sample analysed (from the processed survey's metadata: synthetic or
supplied by the user), the population frame behind the weights (from data/raw/population_frame.csv,
each district total with its source or as an assumption) and the estimators of that kind of report,
each with its citation. Citations are written as markers ("[@holm1979]") and linked by
`bibliography.cite_markers`, so the report's references section (`bibliography.references_for`)
lists them.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from ..data.codebook import Codebook, load_codebook
from . import bibliography
from .formatting import integer

KINDS = ("district", "cross-district", "speccurve", "sustainability", "channels")
TITLE = {"en": "Data and methods", "it": "Dati e metodi"}
SECTION_ID = "data-and-methods"
CERTIFICATION_NAMES = {"cert_iso14001": "ISO 14001", "cert_emas": "EMAS", "cert_sa8000": "SA8000",
                       "cert_ohsas18001": "OHSAS 18001", "cert_iso9001": "ISO 9001"}
WORDS = {
    "en": {"and": "and", "published": "published", "assumed": "assumed from", "firms": "firms"},
    "it": {"and": "e", "published": "dato pubblicato", "assumed": "valore ipotizzato a partire da", "firms": "imprese"},
}

PROJECT = {
    "en": ("The COOPERATE project. COOPERATE was a project of the Scuola Superiore Sant'Anna (Pisa) and the "
           "development agency of Empolese Valdelsa (ASEV), co-financed by the European Commission (DG Enterprise "
           "and Industry) under its programme \u201cMainstreaming CSR among SMEs\u201d [@cooperate_final_report; "
           "@santanna_cooperate]. The sources date it differently: launched in 2006 [@pmi_cooperate]; from "
           "1 January 2007 to 1 January 2009 [@santanna_cooperate]. It worked in three Tuscan industrial "
           "districts ({districts}) through local intermediary institutions: trade associations, unions, local "
           "authorities and consortia [@battaglia2010]."),
    "it": ("Il progetto COOPERATE. COOPERATE è stato un progetto della Scuola Superiore Sant'Anna (Pisa) e "
           "dell'Agenzia per lo Sviluppo Empolese Valdelsa (ASEV), cofinanziato dalla Commissione europea "
           "(Direzione generale Imprese e industria) nel programma per la diffusione della RSI tra le PMI "
           "[@cooperate_final_report; @santanna_cooperate]. Le fonti lo datano in modo diverso: avviato nel 2006 "
           "[@pmi_cooperate]; dal 1° gennaio 2007 al 1° gennaio 2009 [@santanna_cooperate]. Ha operato in tre "
           "distretti industriali toscani ({districts}) attraverso le istituzioni intermedie locali: associazioni "
           "di categoria, sindacati, enti locali e consorzi [@battaglia2010]."),
}
SURVEY = {
    "en": ("How firms were surveyed. The project interviewed 92 firms of the three districts in all, with a "
           "questionnaire in five blocks (awareness of CSR; ethical and environmental certifications held, and "
           "interest in them; key stakeholders; organisation and \u201catypical\u201d workers such as trainees "
           "and home-workers; staff training); it also consulted local stakeholders and held focus groups "
           "[@vaasa_cooperate]. No source we could read reports how the firms were selected, how many were "
           "interviewed in each district, the response rate, how the interviews were conducted, who answered in "
           "each firm, or the wording and answer scales of the items; the project's microdata are not public."),
    "it": ("Come sono state intervistate le imprese. Il progetto ha intervistato in tutto 92 imprese dei tre "
           "distretti, con un questionario in cinque blocchi (conoscenza della RSI; certificazioni etiche e "
           "ambientali possedute e interesse a ottenerle; portatori di interesse principali; organizzazione e "
           "lavoratori \u00abatipici\u00bb come tirocinanti e lavoranti a domicilio; formazione del personale), "
           "e ha inoltre consultato i portatori di interesse locali e tenuto gruppi di discussione [@vaasa_cooperate]. "
           "Nessuna fonte che abbiamo potuto leggere riporta come sono state scelte le imprese, quante sono state "
           "intervistate in ciascun distretto, il tasso di risposta, come si sono svolte le interviste, chi ha "
           "risposto in ciascuna impresa, la formulazione delle domande e le loro scale di risposta; i microdati "
           "del progetto non sono pubblici."),
}
QUESTIONNAIRE = {
    "en": ("Questionnaire of this compendium. The analyses follow this compendium's codebook, reconstructed "
           "from those blocks, from the questionnaire of the follow-up COSMIC survey of 2009 [@cosmic_website] "
           "and from the practice list of @battaglia2014; it is not the COOPERATE questionnaire. Firm profile: "
           "employees, turnover class, export share, firm age. CSR: {n_practices} yes/no practices in {n_dims} "
           "dimensions ({dims}), whose shares adopted are averaged into the overall CSR index (0 to 1), and "
           "{n_certs} certifications ({certs}). Competitiveness: {n_items} items on the change over the last "
           "three years compared with competitors, on a five-point scale from \u201c{low}\u201d to "
           "\u201c{high}\u201d, averaged into {n_scales} scores ({scales}) after @battaglia2014."),
    "it": ("Il questionario di questo compendio. Le analisi seguono il dizionario dei dati di questo "
           "compendio, ricostruito da quei blocchi, dal questionario della successiva indagine COSMIC del 2009 "
           "[@cosmic_website] e dall'elenco di pratiche di @battaglia2014; non è il questionario di COOPERATE. "
           "Profilo dell'impresa: addetti, classe di fatturato, quota di fatturato esportata, età. RSI: "
           "{n_practices} pratiche con risposta sì o no in {n_dims} dimensioni ({dims}), le cui quote di "
           "adozione sono mediate nell'indice complessivo di RSI (da 0 a 1), e {n_certs} certificazioni "
           "({certs}). Competitività: {n_items} voci sulla variazione negli ultimi tre anni rispetto ai "
           "concorrenti, su una scala a cinque punti da \u00ab{low}\u00bb a \u00ab{high}\u00bb, mediate in "
           "{n_scales} punteggi ({scales}) secondo @battaglia2014."),
}
SAMPLE_SYNTHETIC = {
    "en": ("Sample. The survey analysed here is synthetic: {rows} firms ({by_district}) drawn by the "
           "compendium's documented, seeded generator, calibrated to published figures (district populations, "
           "the 92 COOPERATE interviews, the share of certified firms in COSMIC, effect sizes of the "
           "literature). Its numbers illustrate the methods; they are not findings about the real districts.{mixed}"),
    "it": ("Campione. L'indagine analizzata qui è sintetica: {rows} imprese ({by_district}) generate dal "
           "generatore documentato e riproducibile del compendio, calibrato su dati pubblicati (popolazioni "
           "dei distretti, le 92 interviste di COOPERATE, la quota di imprese certificate in COSMIC, "
           "dimensioni degli effetti della letteratura). I suoi numeri illustrano i metodi; non sono risultati "
           "sui distretti reali.{mixed}"),
}
SAMPLE_MIXED = {
    "en": " Only {synthetic} of its {rows} firms carry the generator's identifiers; the others come from another source.",
    "it": " Solo {synthetic} delle sue {rows} imprese hanno gli identificativi del generatore; le altre vengono da "
          "un'altra fonte.",
}
SAMPLE_USER = {
    "en": ("Sample. The survey analysed here was supplied by the user ({source}): {rows} firms ({by_district}), "
           "validated against the codebook; the file's fingerprint is in the provenance block at the end."),
    "it": ("Campione. L'indagine analizzata qui è stata fornita dall'utente ({source}): {rows} imprese "
           "({by_district}), verificate rispetto al dizionario dei dati; l'impronta del file è nel riquadro "
           "di provenienza alla fine."),
}
SAMPLE_GROUP = {
    "en": " This report analyses the {n} firms of the {district}.",
    "it": " Questo rapporto analizza le {n} imprese del {district}.",
}
FRAME = {
    "en": ("Population and weights. Weights post-stratify the sample to the firms of each district by EU size "
           "class [@eu2003]: a firm weighs the population count of its class over the sampled firms of the "
           "class, and classes with fewer than 5 sampled firms are merged with a neighbouring class "
           "[@lumley2010]. District populations: {totals}.{split}{absent}"),
    "it": ("Popolazione e pesi. I pesi riportano il campione alle imprese di ciascun distretto per classe "
           "dimensionale europea [@eu2003]: un'impresa pesa il numero di imprese della sua classe nella "
           "popolazione diviso per le imprese campionate della classe, e le classi con meno di 5 imprese "
           "campionate sono unite a una classe vicina [@lumley2010]. Popolazioni dei distretti: "
           "{totals}.{split}{absent}"),
}
FRAME_SPLIT = {
    "en": " The split of each district total by size class is an assumption of the synthetic generator.",
    "it": " La ripartizione del totale di ciascun distretto per classe dimensionale è un'ipotesi del "
          "generatore sintetico.",
}
FRAME_ABSENT = {
    "en": " No source gives the number of firms with 250 or more employees: sampled firms of that size are "
          "weighted with the class below.",
    "it": " Nessuna fonte riporta il numero di imprese con 250 addetti o più: le imprese campionate di quella "
          "dimensione sono pesate con la classe inferiore.",
}

COMMON = {
    "en": {
        "ols": ("OLS of each competitiveness score on the overall CSR index{fe}, controlling for log employees, "
                "export share and firm age, with HC3 standard errors [@mackinnon1985; @long2000] and p-values "
                "and 95% intervals from t with n \u2212 k degrees of freedom; the three CSR coefficients are the "
                "confirmatory tests, adjusted by Holm's method [@holm1979]."),
        "ordered": ("Single items: proportional-odds logit of each item grouped into worse, unchanged and better "
                    "[@mccullagh1980], with average marginal effects and the Brant test of proportional odds "
                    "[@brant1990]."),
        "robust": ("Robustness: weighted least squares with the post-stratification weights and HC1 errors; "
                   "multiple imputation by chained equations with predictive mean matching, 20 imputations "
                   "[@vanbuuren2018], pooled by Rubin's rules [@rubin1987] with the degrees of freedom of "
                   "@barnard1999."),
        "power": "Power and minimum detectable effect from the F test of one coefficient [@cohen1988].",
        "software": "Computations: statsmodels [@seabold2010] and pingouin [@vallat2018]{semopy}.",
        "semopy": ", semopy [@igolkina2020]",
    },
    "it": {
        "ols": ("Minimi quadrati ordinari di ciascun punteggio di competitività sull'indice complessivo di RSI{fe}, "
                "controllando per il logaritmo degli addetti, la quota di fatturato esportata e l'età, con errori standard "
                "HC3 [@mackinnon1985; @long2000] e valori p e intervalli al 95% dalla t con n \u2212 k gradi di "
                "libertà; i tre coefficienti della RSI sono i test confermativi, corretti con il metodo di Holm "
                "[@holm1979]."),
        "ordered": ("Singole voci: logit ordinale di ciascuna voce raggruppata in peggiorata, invariata e "
                    "migliorata [@mccullagh1980], con effetti marginali medi e test di Brant dell'ipotesi di "
                    "proporzionalità [@brant1990]."),
        "robust": ("Robustezza: minimi quadrati ponderati con i pesi di post-stratificazione ed errori HC1; "
                   "imputazione multipla per equazioni concatenate con abbinamento sulla media predittiva, 20 "
                   "imputazioni [@vanbuuren2018], combinate con le regole di Rubin [@rubin1987] e i gradi di "
                   "libertà di @barnard1999."),
        "power": "Potenza e minimo effetto rilevabile dal test F di un coefficiente [@cohen1988].",
        "software": "Calcoli: statsmodels [@seabold2010] e pingouin [@vallat2018]{semopy}.",
        "semopy": ", semopy [@igolkina2020]",
    },
}
ESTIMATORS = {
    "district": {
        "en": ["Estimators. Internal consistency: Cronbach's alpha [@cronbach1951], which for yes/no items is "
               "KR-20 [@kuder1937], with Feldt intervals [@feldt1987]. Rank associations, as in the design of "
               "@battaglia2014: Spearman's rho for the dimension indices and, for certification, the "
               "rank-biserial correlation of a Mann-Whitney test [@mann1947]; each block of tests is one family, "
               "adjusted by the Benjamini-Hochberg method [@benjamini1995].", "ols", "ordered", "robust",
               "Weighted means with linearized standard errors [@lumley2010].", "power", "software"],
        "it": ["Stimatori. Coerenza interna: alfa di Cronbach [@cronbach1951], che per voci sì/no coincide con "
               "KR-20 [@kuder1937], con intervalli di Feldt [@feldt1987]. Associazioni di rango, come nel "
               "disegno di @battaglia2014: rho di Spearman per gli indici delle dimensioni e, per la "
               "certificazione, la correlazione rango-biseriale del test di Mann-Whitney [@mann1947]; ogni "
               "blocco di test è una famiglia, corretta con il metodo di Benjamini-Hochberg [@benjamini1995].",
               "ols", "ordered", "robust",
               "Medie ponderate con errori standard linearizzati [@lumley2010].", "power", "software"],
    },
    "cross-district": {
        "en": ["Estimators. Reliability by district as in the district reports [@cronbach1951; @feldt1987]. On "
               "the pooled sample: exploratory factor analysis (minimum residuals, oblimin rotation) and a "
               "confirmatory model of the three scales, judged against the cut-offs of @hu1999, with composite "
               "reliability and average variance extracted [@fornell1981]; Harman's single-factor check for "
               "common-method variance [@podsakoff2003].", "ols",
               "District differences: CSR \u00d7 district interactions with a joint Wald test; standard errors "
               "are firm-level, not clustered on the three districts, which were chosen, not sampled "
               "[@abadie2023].", "ordered", "robust",
               "Certification: inverse probability weighting and its augmented, doubly robust form "
               "[@rosenbaum1983; @robins1994]{balance}; an association, not an effect.", "power", "software"],
        "it": ["Stimatori. Affidabilità per distretto come nei rapporti di distretto [@cronbach1951; "
               "@feldt1987]. Sul campione complessivo: analisi fattoriale esplorativa (minimi residui, rotazione "
               "oblimin) e un modello confermativo delle tre scale, valutato con le soglie di @hu1999, con "
               "affidabilità composita e varianza media estratta [@fornell1981]; controllo a fattore unico di "
               "Harman per la varianza di metodo comune [@podsakoff2003].", "ols",
               "Differenze tra distretti: interazioni RSI \u00d7 distretto con un test di Wald congiunto; gli "
               "errori standard sono a livello di impresa, non raggruppati sui tre distretti, che sono stati "
               "scelti e non estratti [@abadie2023].", "ordered", "robust",
               "Certificazione: ponderazione per l'inverso della probabilità e la sua forma aumentata, "
               "doppiamente robusta [@rosenbaum1983; @robins1994]{balance}; un'associazione, non un effetto.",
               "power", "software"],
    },
    "speccurve": {
        "en": ["Estimators. A specification curve [@simonsohn2020], a multiverse of analytic choices "
               "[@steegen2016]: {n_specs}every combination of outcome (the three scores or a single item), its "
               "coding (as answered, or better versus not), CSR measure, controls, weights or none, complete "
               "cases or multiple imputation [@vanbuuren2018; @rubin1987], and model: linear, with HC3 errors and t "
               "with n \u2212 k degrees of freedom [@long2000], or logit. Estimates are standardized (standard deviations "
               "of the outcome per standard deviation of the CSR measure; logits on the latent scale of "
               "@mckelvey1975). The joint test, per outcome family, imposes the null in every linear "
               "specification, resamples firms within districts and compares the median estimate, the share "
               "of significant estimates of the dominant sign and Stouffer's Z with their null distributions "
               "[@simonsohn2020].", "software"],
        "it": ["Stimatori. Una curva delle specificazioni [@simonsohn2020], un multiverso di scelte analitiche "
               "[@steegen2016]: {n_specs}ogni combinazione di esito (i tre punteggi o una singola voce), la sua "
               "codifica (come risposto, oppure migliorata rispetto al resto), misura di RSI, controlli, pesi o "
               "nessun peso, casi completi o imputazione multipla [@vanbuuren2018; @rubin1987], e modello: lineare, "
               "con errori HC3 e t con n \u2212 k gradi di libertà [@long2000], oppure logit. Le stime sono "
               "standardizzate (deviazioni standard dell'esito per deviazione standard della misura di RSI; i "
               "logit sulla scala latente di @mckelvey1975). Il test congiunto, per famiglia di esiti, impone "
               "l'ipotesi nulla in ogni specificazione lineare, ricampiona le imprese entro i distretti e "
               "confronta la stima mediana, la quota di stime significative del segno prevalente e la Z di "
               "Stouffer con le loro distribuzioni sotto l'ipotesi nulla [@simonsohn2020].", "software"],
    },
}
ESTIMATORS["sustainability"] = {
    "en": ["Indicators. Every indicator row of this report names where it comes from. Published: a figure of "
           "data/raw/published_figures.csv, real data transcribed from the works in the references, with its year "
           "and its perimeter (what the figure covers) as published; where sources disagree, each figure is shown. "
           "Survey: the share of the answering firms of the sample with a practice or a certification, with a "
           "Wilson score 95% interval [@wilson1927], which stays between 0% and 100% and does not shrink to a point when no firm "
           "or every firm answers yes, computed with statsmodels [@seabold2010]; a dimension counts the firms with at least one "
           "of its practices. Absent: no source we could read gives the indicator, and no value is shown. The "
           "district's profile is set beside the other districts and all firms together as a benchmark; the "
           "intervals describe sampling uncertainty only, and no test is made."],
    "it": ["Indicatori. Ogni riga di indicatore di questo rapporto dice da dove viene. Dato pubblicato: un valore "
           "di data/raw/published_figures.csv, dati reali trascritti dalle opere dei riferimenti bibliografici, con "
           "l'anno e il perimetro (ciò che il dato copre) come pubblicati; dove le fonti non concordano, sono "
           "riportati tutti i valori. Indagine: la quota delle imprese rispondenti del campione che adottano una "
           "pratica o hanno una certificazione, con un intervallo di Wilson al 95% [@wilson1927], che resta tra 0% e 100% e non "
           "si riduce a un punto quando nessuna impresa o tutte rispondono sì, calcolato con statsmodels [@seabold2010]; una "
           "dimensione conta le imprese con almeno una delle sue pratiche. Assente: nessuna fonte che abbiamo "
           "potuto leggere riporta l'indicatore, e nessun valore è indicato. Il profilo del distretto è messo a "
           "confronto con gli altri distretti e con tutte le imprese insieme come termine di paragone; gli "
           "intervalli descrivono solo l'incertezza campionaria, e non si esegue alcun test."],
}
ESTIMATORS["channels"] = {
    "en": ["Estimators. Drivers of adoption: the CSR index, a share between 0 and 1, by the fractional logit of "
           "@papke1996, a binomial quasi-likelihood with a logit link, with HC3 standard errors [@mackinnon1985; "
           "@long2000], and ordinary least squares with HC3 errors as a sensitivity analysis; each certification by "
           "a logit. The regressors are firm size, export share, firm age, trade-association membership, support "
           "from an intermediary, formal network membership and informal exchange with other district firms, with "
           "district fixed effects in the pooled sample. Where the firms with and without a certification are "
           "separated by the regressors, or too few firms hold it, the logit is estimated by Firth's penalised "
           "likelihood [@firth1993; @heinze2002], and each row of the model table names the method used. Effects "
           "are average marginal effects: for a continuous regressor the average derivative, for a yes/no one the "
           "average change from no to yes, with delta-method standard errors from the model's covariance (HC3 for "
           "the fractional and maximum-likelihood logits, the inverse penalised information for Firth's) and "
           "normal 95% intervals. Channels: "
           "shares of adopting firms among those that use each channel and those that do not, with Wilson 95% "
           "intervals [@wilson1927]; the trend with the number of channels used by Spearman's rho and an OLS slope; "
           "whether formal network membership changes the association between the CSR index and the "
           "competitiveness scores, by an interaction term, an exploratory analysis with Benjamini-Hochberg "
           "adjusted p [@benjamini1995]. Stakeholder salience: Friedman's test that every stakeholder is equally "
           "important to the firms [@friedman1937], with the tie correction of R's friedman.test, and Kendall's W "
           "of agreement between the firms [@kendall1939]. Barriers and motivations: means and the shares of "
           "firms rating each important (4 or 5), with Wilson intervals. The published shares of the project's "
           "stakeholder consultation are real data, shown with their source; they come from other respondents "
           "and other questions, and are not compared with the survey. The questionnaire's own blocks (awareness, "
           "certification status, atypical workers, training): shares of answering firms with Wilson intervals, "
           "and means.", "software"],
    "it": ["Stimatori. Fattori dell'adozione: l'indice di RSI, una quota tra 0 e 1, con il logit frazionario di "
           "@papke1996, una quasi-verosimiglianza binomiale con funzione di collegamento logit, con errori "
           "standard HC3 [@mackinnon1985; @long2000], e i minimi quadrati ordinari con errori HC3 come analisi di "
           "sensibilità; ciascuna certificazione con un logit. Le variabili esplicative sono la dimensione, la "
           "quota di fatturato esportata, l'età dell'impresa, l'iscrizione a un'associazione di categoria, il "
           "supporto ricevuto da un'istituzione intermedia, l'adesione a una rete formale e lo scambio informale "
           "con altre imprese del distretto, con effetti fissi di distretto nel campione complessivo. Dove le "
           "imprese con e senza una certificazione sono separate dalle variabili esplicative, o troppo poche la "
           "possiedono, il logit è stimato con la verosimiglianza penalizzata di Firth [@firth1993; @heinze2002], e "
           "ogni riga della tabella dei modelli indica il metodo usato. Gli effetti sono effetti marginali medi: "
           "per una variabile continua la derivata media, per una variabile sì/no la variazione media dal no al "
           "sì, con errori standard dal metodo delta a partire dalla covarianza del modello (HC3 per il logit "
           "frazionario e per quelli di massima verosimiglianza, l'inversa dell'informazione penalizzata per quelli "
           "di Firth) e intervalli normali al 95%. Canali: quote di imprese che "
           "adottano tra quelle che usano ciascun canale e quelle che non lo usano, con intervalli di Wilson al "
           "95% [@wilson1927]; l'andamento con il numero di canali usati con il rho di Spearman e una pendenza "
           "OLS; se l'adesione a una rete formale modifica l'associazione tra l'indice di RSI e i punteggi di "
           "competitività, con un termine di interazione, un'analisi esplorativa con p corretti con il metodo di "
           "Benjamini-Hochberg [@benjamini1995]. Rilevanza dei portatori di interesse: test di Friedman "
           "dell'ipotesi che tutti i portatori di interesse siano ugualmente importanti per le imprese "
           "[@friedman1937], con la correzione per i ranghi uguali di friedman.test di R, e W di Kendall "
           "dell'accordo tra le imprese [@kendall1939]. Ostacoli e motivazioni: medie e quote di imprese che li "
           "giudicano importanti (4 o 5), con intervalli di Wilson. Le quote pubblicate della consultazione dei "
           "portatori di interesse del progetto sono dati reali, riportati con la loro fonte; vengono da altri "
           "rispondenti e da altre domande, e non sono confrontate con l'indagine. Blocchi propri del questionario "
           "(conoscenza, stato delle certificazioni, lavoratori atipici, formazione): quote di imprese rispondenti "
           "con intervalli di Wilson, e medie.", "software"],
}
BLOCKS_TEXT = {
    "en": ("Questionnaire blocks and added variables. Of the codebook's blocks, {n_q} follow the blocks of the "
           "COOPERATE firm questionnaire as the sources describe them [@vaasa_cooperate]: {questionnaire}. {n_o} "
           "were added by this compendium to measure the project's stated objectives [@cooperate_website], with "
           "wording and answer scales of our own: {objective}. The sources give neither the questionnaire's items "
           "nor its scales, so every item of this report is a reconstruction."),
    "it": ("Blocchi del questionario e variabili aggiunte. Dei blocchi del dizionario dei dati, {n_q} seguono i "
           "blocchi del questionario di COOPERATE alle imprese come li descrivono le fonti [@vaasa_cooperate]: "
           "{questionnaire}. {n_o} sono stati aggiunti da questo compendio per misurare gli obiettivi dichiarati "
           "del progetto [@cooperate_website], con formulazione e scale di risposta nostre: {objective}. Le fonti "
           "non riportano né le domande del questionario né le loro scale, perciò ogni voce di questo rapporto è "
           "una ricostruzione."),
}
VERSION_TEXT = {
    "en": {"full": "Codebook version. The survey analysed here follows version {v} of the codebook, with every block.",
           "v1": ("Codebook version. The survey analysed here follows version 1 of the codebook: it has no answers "
                  "for the blocks added in version 2 ({blocks}), so the analyses that need them, the questionnaire's "
                  "own blocks, the channels of adoption, stakeholder salience, barriers and motivations, cannot be supported by its data.{own}"),
           "partial": ("Codebook version. The survey analysed here follows version 2 of the codebook only in part: "
                       "it has no answers for {blocks}; the analyses that need them say so where they would appear."),
           "partial_columns": ("Codebook version. The survey analysed here follows version 2 of the codebook, but "
                               "{n} of its items have no answers; the analyses that need them say so where they "
                               "would appear.")},
    "it": {"full": "Versione del dizionario dei dati. L'indagine analizzata qui segue la versione {v} del dizionario "
                   "dei dati, con tutti i blocchi.",
           "v1": ("Versione del dizionario dei dati. L'indagine analizzata qui segue la versione 1 del dizionario "
                  "dei dati: non ha risposte per i blocchi aggiunti nella versione 2 ({blocks}), perciò i suoi dati "
                  "non consentono le analisi che ne hanno bisogno: i blocchi propri del questionario, i canali "
                  "dell'adozione, la rilevanza dei "
                  "portatori di interesse, gli ostacoli e le motivazioni.{own}"),
           "partial": ("Versione del dizionario dei dati. L'indagine analizzata qui segue solo in parte la versione 2 "
                       "del dizionario dei dati: non ha risposte per {blocks}; le analisi che ne hanno bisogno lo "
                       "indicano dove comparirebbero."),
           "partial_columns": ("Versione del dizionario dei dati. L'indagine analizzata qui segue la versione 2 del "
                               "dizionario dei dati, ma {n} delle sue voci non hanno risposte; le analisi che ne hanno "
                               "bisogno lo indicano dove comparirebbero.")},
}
VERSION_OWN = {  # a report other than the channels one: its own analyses need no version-2 block
    "en": " Those analyses belong to the report on CSR adoption and its channels; this report uses version-1 "
          "variables only.",
    "it": " Quelle analisi appartengono al rapporto sull'adozione della RSI e i suoi canali; questo rapporto usa "
          "solo variabili della versione 1.",
}
N_SPECS = {"en": "{n} specifications, ", "it": "{n} specificazioni, "}
FE = {"en": " with district fixed effects", "it": " con effetti fissi di distretto"}
BALANCE = {"en": ", with covariate balance as standardized mean differences before and after weighting "
                 "[@austin2009]",
           "it": ", con l'equilibrio delle covariate come differenze medie standardizzate prima e dopo la "
                 "ponderazione [@austin2009]"}


def block_label(block: str, lang: str, cb: Codebook) -> str:
    """A codebook block's name in `lang`."""
    return cb.label(block, lang)


def _quoted(names: list[str], lang: str) -> list[str]:
    return [f"\u201c{n}\u201d" if lang == "en" else f"\u00ab{n}\u00bb" for n in names]


def version_paragraph(meta: dict, lang: str, cb: Codebook, kind: str = "channels") -> str:
    """Which codebook version the survey follows and which blocks it lacks (metadata `survey_version`,
    `absent_blocks`, `absent_columns` of `dataset.prepare_survey`), '' for metadata without them."""
    version = meta.get("survey_version")
    if version is None:
        return ""
    t = VERSION_TEXT[lang]
    blocks = [b for b in meta.get("absent_blocks", []) or [] if b in getattr(cb, "blocks", {})]
    names = _join(_quoted([block_label(b, lang, cb) for b in blocks], lang), lang)
    if str(version) == "1":
        return t["v1"].format(blocks=names, own=VERSION_OWN[lang] if kind != "channels" else "")
    if str(version) == "partial":
        if blocks:
            return t["partial"].format(blocks=names)
        return t["partial_columns"].format(n=integer(len(meta.get("absent_columns", []) or []), lang))
    return t["full"].format(v=integer(int(version), lang) if str(version).isdigit() else version)


def blocks_paragraph(lang: str, cb: Codebook) -> str:
    """The codebook's blocks that follow the COOPERATE questionnaire and those added for the objectives."""
    blocks = getattr(cb, "blocks", {}) or {}
    questionnaire = [b for b, spec in blocks.items() if spec.get("source") == "questionnaire"]
    objective = [b for b, spec in blocks.items() if spec.get("source") == "objective"]
    if not blocks:
        return ""
    n_o = integer(len(objective), lang)
    return BLOCKS_TEXT[lang].format(
        n_q=integer(len(questionnaire), lang), n_o=n_o[:1].upper() + n_o[1:],
        questionnaire=_join(_quoted([block_label(b, lang, cb) for b in questionnaire], lang), lang),
        objective=_join(_quoted([block_label(b, lang, cb) for b in objective], lang), lang))


def _join(items: list[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {WORDS[lang]['and']} " + items[-1]


def _districts(meta: dict, cb: Codebook, districts: list[str] | None) -> list[str]:
    if districts is not None:
        return list(districts)
    counts = meta.get("rows_by_district", {})
    return [d for d in cb.district_ids if counts.get(d, 0) > 0] or cb.district_ids


def _frame_sentences(frame: pd.DataFrame, districts: list[str], lang: str, cb: Codebook) -> tuple[str, str, str]:
    """(district totals with their source or as an assumption, the size-split sentence, the absent-class
    sentence), read from the population frame's N and source columns."""
    totals = []
    split = absent = False
    for district in districts:
        rows = frame[frame["district"] == district]
        if rows.empty:
            continue
        counted = rows[rows["N"].notna()]
        total = int(counted["N"].sum())
        text = " ".join(counted["source"].astype(str))
        keys = [bibliography.source_key(s) for s in dict.fromkeys(re.findall(r"\b([DS]\d{1,2})\b", text))
                if s in bibliography.source_keys()]
        published = "[published" in text
        kind = WORDS[lang]["published"] if published else WORDS[lang]["assumed"]
        markers = [f"@{k}" for k in keys]
        cites = (f" [{'; '.join(markers)}]" if published else " " + _join(markers, lang)) if keys else ""
        totals.append(f"{html.escape(short_label(district, lang, cb))}, {integer(total, lang)} "
                      f"{WORDS[lang]['firms']}, {kind}{cites}")
        split = split or "size class: assumption" in text
        absent = absent or rows["N"].isna().any()
    return "; ".join(totals), FRAME_SPLIT[lang] if split else "", FRAME_ABSENT[lang] if absent else ""


def _codebook_facts(lang: str, cb: Codebook) -> dict[str, str]:
    esc = html.escape
    certs = cb.certifications(None)
    scales = cb.outcome_scales
    likert = cb.likert_labels
    return {
        "n_practices": integer(len(cb.practices()), lang), "n_dims": integer(len(cb.csr_dimensions), lang),
        "dims": esc("; ".join(cb.label(d, lang) for d in cb.csr_dimensions)),
        "n_certs": integer(len(certs), lang),
        "certs": esc(_join([CERTIFICATION_NAMES.get(c, cb.label(c, lang)) for c in certs], lang)),
        "n_items": integer(len(cb.outcome_items()), lang),
        "low": esc(likert[min(likert)][lang]), "high": esc(likert[max(likert)][lang]),
        "n_scales": integer(len(scales), lang), "scales": esc("; ".join(cb.label(s, lang) for s in scales)),
    }


def paragraphs(kind: str, lang: str, meta: dict, *, district: str | None = None, frame: pd.DataFrame | None = None,
               cb: Codebook | None = None, n_specs: int | None = None, balance: bool = True) -> list[str]:
    """The section's paragraphs as escaped HTML text with citation markers (not yet linked).

    `meta` is the processed survey's metadata (`dataset.load_processed`); `district` the district a
    district report (or a district's specification curve) analyses, None for all districts; `frame`
    the population frame (default: `population.population_frame()`); `n_specs` the number of
    specifications of a curve; `balance` whether the report shows the IPW covariate balance table.
    """
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not valid; valid: {', '.join(KINDS)}")
    bibliography._check(lang)
    cb = cb or load_codebook()
    if frame is None:
        from ..data.population import population_frame
        frame = population_frame()
    esc = html.escape
    districts = [district] if district else _districts(meta, cb, None)
    all_districts = _districts(meta, cb, None)
    counts = meta.get("rows_by_district", {})
    out = [esc(PROJECT[lang]).format(districts=esc(_join([short_label(d, lang, cb) for d in cb.district_ids], lang))),
           esc(SURVEY[lang]),
           esc(QUESTIONNAIRE[lang]).format(**_codebook_facts(lang, cb))]
    if kind == "channels":
        out.append(esc(blocks_paragraph(lang, cb)))
    version = version_paragraph(meta, lang, cb, kind)
    if version:
        out.append(esc(version))
    by_district = esc("; ".join(f"{short_label(d, lang, cb)}, {integer(counts.get(d, 0), lang)}" for d in all_districts))
    rows = integer(meta.get("rows", sum(counts.values())), lang)
    if meta.get("synthetic"):
        synthetic, n_rows = meta.get("synthetic_rows", 0), meta.get("rows", 0)
        mixed = esc(SAMPLE_MIXED[lang].format(synthetic=integer(synthetic, lang), rows=integer(n_rows, lang))) \
            if 0 < synthetic < n_rows else ""
        sample = esc(SAMPLE_SYNTHETIC[lang]).format(rows=rows, by_district=by_district, mixed=mixed)
    else:
        sample = esc(SAMPLE_USER[lang]).format(source=esc(str(meta.get("source_name", ""))), rows=rows,
                                               by_district=by_district)
    if district:
        sample += esc(SAMPLE_GROUP[lang]).format(n=integer(counts.get(district, 0), lang),
                                                 district=esc(short_label(district, lang, cb)))
    out.append(sample)
    totals, split, absent = _frame_sentences(frame, districts, lang, cb)
    if kind not in ("sustainability", "channels"):  # these reports use no weights
        out.append(esc(FRAME[lang]).format(totals=totals, split=esc(split), absent=esc(absent)))
    common = {k: esc(v) for k, v in COMMON[lang].items()}
    sentences = []
    for part in ESTIMATORS[kind][lang]:
        if part in common:
            text = common[part]
        else:
            text = esc(part)
        sentences.append(text)
    text = " ".join(sentences)
    specs = esc(N_SPECS[lang].format(n=integer(n_specs, lang))) if n_specs else ""
    out.append(text.format(fe=esc(FE[lang]) if kind == "cross-district" else "",
                           semopy=common["semopy"] if kind == "cross-district" else "",
                           balance=esc(BALANCE[lang]) if balance else "", n_specs=specs))
    return out


def short_label(district: str, lang: str, cb: Codebook) -> str:
    """A district's codebook label for use inside a sentence: without the parenthesis ("(Lucca)") and, in
    Italian, with a lower-case "distretto" ("il distretto cartario di Capannori")."""
    label = re.sub(r"\s*\([^)]*\)", "", cb.label(district, lang)).strip()
    return label[0].lower() + label[1:] if lang == "it" and label.startswith("Distretto") else label


def section(kind: str, lang: str, meta: dict, *, district: str | None = None, frame: pd.DataFrame | None = None,
            cb: Codebook | None = None, n_specs: int | None = None, balance: bool = True,
            heading_level: int = 2) -> str:
    """The "Data and methods" section as HTML: a heading the table of contents picks up, then one
    paragraph per topic, each opening with its topic in bold, citations linked to the references."""
    paras = paragraphs(kind, lang, meta, district=district, frame=frame, cb=cb, n_specs=n_specs, balance=balance)
    body = []
    for text in paras:
        lead, _, rest = text.partition(". ")
        body.append(f"<p><strong>{lead}.</strong> {bibliography.cite_markers(rest, lang)}</p>")
    h = f"h{heading_level}"
    return (f'<section class="data-methods"><{h} id="{SECTION_ID}">{TITLE[lang]}'
            f'<a class="anchor-link" href="#{SECTION_ID}"></a></{h}>{"".join(body)}</section>')
